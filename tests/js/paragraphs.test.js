import assert from "node:assert/strict";
import { test } from "node:test";

import { sentenceSpans } from "../../static/js/reader/paragraphs.js";

const TEXT = "New Labour is dead. Is it? “Yes,” he said!  The end";

function sentences(text, Segmenter) {
  return sentenceSpans(text, Segmenter).map(([from, to]) => text.slice(from, to));
}

test("a paragraph's sentences, trimmed of the spaces between them", () => {
  assert.deepEqual(sentences(TEXT), ["New Labour is dead.", "Is it?", "“Yes,” he said!", "The end"]);
});

test("without Intl.Segmenter, the same sentences by punctuation", () => {
  assert.deepEqual(sentences(TEXT, null), ["New Labour is dead.", "Is it?", "“Yes,” he said!", "The end"]);
  assert.deepEqual(sentences("   ", null), []);
});
