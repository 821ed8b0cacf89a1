import assert from "node:assert/strict";
import { test } from "node:test";

import { Annotations } from "../../static/js/reader/annotations.js";
import { ArticleText } from "../../static/js/reader/passages.js";

const article = new ArticleText([2, 1], new Map([[1, "One."], [2, "Two."]]), "\n\n");

function make(id, paragraph, tags) {
  return { id, paragraph, start: 0, tags };
}

test("shown in document order, filtered by the chosen tag", () => {
  const annotations = new Annotations(
    [make(1, 1, ["City"]), make(2, 2, ["Legacy", "City"]), make(3, null, [])],
    article,
  );
  assert.deepEqual(annotations.shown().map((a) => a.id), [2, 1, 3]);
  annotations.tag = "City";
  assert.deepEqual(annotations.shown().map((a) => a.id), [2, 1]);
  annotations.tag = "Legacy";
  assert.deepEqual(annotations.shown().map((a) => a.id), [2]);
});

test("a saved annotation replaces the one it was; a deleted one goes", () => {
  const annotations = new Annotations([make(1, 1, ["City"])], article);
  annotations.set(make(1, 2, ["Finance"]));
  annotations.set(make(4, 1, []));
  assert.deepEqual(annotations.shown().map((a) => [a.id, a.paragraph]), [[1, 2], [4, 1]]);
  assert.deepEqual(annotations.tagsInUse(), ["Finance"]);
  annotations.delete(1);
  assert.deepEqual(annotations.shown().map((a) => a.id), [4]);
  assert.equal(annotations.get(1), undefined);
});

test("tags in use: each once, alphabetically", () => {
  const annotations = new Annotations(
    [make(1, 1, ["zeal", "Apple"]), make(2, 2, ["apple", "zeal"])],
    article,
  );
  assert.deepEqual(annotations.tagsInUse(), ["apple", "Apple", "zeal"]);
});
