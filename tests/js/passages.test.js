import assert from "node:assert/strict";
import { test } from "node:test";

import { ArticleText, segments } from "../../static/js/reader/passages.js";

// Ids deliberately out of numeric order: reading order is the server's list, not the ids.
const ORDER = [30, 10, 20];
const TEXTS = new Map([
  [10, "The second 😀 paragraph."],
  [20, "The third."],
  [30, "The first paragraph."],
]);

function article(joiner = "\n\n") {
  return new ArticleText(ORDER, TEXTS, joiner);
}

test("paragraphs come in the server's order", () => {
  const text = article();
  assert.deepEqual(text.between(30, 20), [30, 10, 20]);
  assert.deepEqual(text.between(10, 20), [10, 20]);
  assert.deepEqual(text.between(20, 30), []);
  assert.deepEqual(text.between(99, 20), []);
  assert.equal(text.rank(30), 0);
  assert.equal(text.rank(null), Infinity);
});

test("a quote across paragraphs joins them as the server says", () => {
  const passage = { paragraph: 30, start: 4, end_paragraph: 20, end: 3 };
  assert.equal(article().quote(passage), "first paragraph.\n\nThe second 😀 paragraph.\n\nThe");
  assert.equal(article(" | ").quote(passage), "first paragraph. | The second 😀 paragraph. | The");
});

test("a quote counts code points", () => {
  // "😀" is one code point: "paragraph" starts at code point 13, UTF-16 unit 14.
  assert.equal(article().quote({ paragraph: 10, start: 13, end_paragraph: 10, end: 22 }), "paragraph");
});

test("an annotation's span in each paragraph it covers, in UTF-16 units", () => {
  const text = article();
  const annotation = { paragraph: 30, start: 4, end_paragraph: 10, end: 13, orphaned: false };
  assert.deepEqual(text.spanIn(annotation, 30), [4, 20]);
  assert.deepEqual(text.spanIn(annotation, 10), [0, 14]); // after the emoji's two units
  assert.equal(text.spanIn(annotation, 20), null);
  assert.equal(text.spanIn({ ...annotation, orphaned: true }, 30), null);
  // Ending at the very start of a paragraph covers nothing there.
  assert.equal(text.spanIn({ ...annotation, end: 0 }, 10), null);
});

test("an annotation on paragraphs the page does not show is not drawn", () => {
  const annotation = { paragraph: 99, start: 0, end_paragraph: 99, end: 3, orphaned: false };
  assert.equal(article().spanIn(annotation, 30), null);
});

test("document order: by starting paragraph in reading order, offset, then id; orphans last", () => {
  const text = article();
  const annotations = [
    { id: 1, paragraph: 20, start: 0 },
    { id: 2, paragraph: null, start: 0 },
    { id: 3, paragraph: 10, start: 5 },
    { id: 4, paragraph: 30, start: 9 },
    { id: 5, paragraph: 10, start: 5 },
    { id: 6, paragraph: 10, start: 1 },
  ];
  const sorted = annotations.sort((a, b) => text.compare(a, b)).map((a) => a.id);
  assert.deepEqual(sorted, [4, 6, 3, 5, 1, 2]);
});

test("segments: overlapping highlights and search marks cut the text where they meet", () => {
  const layers = [
    { id: 1, span: [0, 10] },
    { id: 2, span: [5, 15] },
  ];
  assert.deepEqual(segments(20, layers, [[8, 12]]), [
    { from: 0, to: 5, ids: [1], marked: false },
    { from: 5, to: 8, ids: [1, 2], marked: false },
    { from: 8, to: 10, ids: [1, 2], marked: true },
    { from: 10, to: 12, ids: [2], marked: true },
    { from: 12, to: 15, ids: [2], marked: false },
    { from: 15, to: 20, ids: [], marked: false },
  ]);
});

test("segments cover the whole text exactly once", () => {
  const parts = segments(7, [{ id: 1, span: [2, 4] }], []);
  assert.deepEqual(parts.map(({ from, to }) => [from, to]), [[0, 2], [2, 4], [4, 7]]);
  assert.deepEqual(segments(0, [], []), []);
  assert.deepEqual(segments(3, [], []), [{ from: 0, to: 3, ids: [], marked: false }]);
});
