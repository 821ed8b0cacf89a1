import assert from "node:assert/strict";
import { test } from "node:test";

import {
  changedFields,
  completeTag,
  splitTags,
  tagSuggestions,
} from "../../static/js/reader/formvalues.js";

test("tags are split on commas, trimmed, none empty", () => {
  assert.deepEqual(splitTags(" City,  Finance ,,"), ["City", "Finance"]);
  assert.deepEqual(splitTags(""), []);
});

test("suggestions complete the last tag, any case, leaving out those chosen", () => {
  const known = ["City", "Civil service", "Finance", "cities"];
  assert.deepEqual(tagSuggestions("ci", known), ["City", "Civil service", "cities"]);
  assert.deepEqual(tagSuggestions("City, ci", known), ["Civil service", "cities"]);
  assert.deepEqual(tagSuggestions("City, ", known), []);
  assert.deepEqual(tagSuggestions("x", known), []);
  assert.equal(tagSuggestions("t", Array.from({ length: 20 }, (_, i) => `t${i}`)).length, 8);
});

test("choosing a suggestion completes the tag being typed", () => {
  assert.equal(completeTag("ci", "City"), "City, ");
  assert.equal(completeTag("Finance, ci", "City"), "Finance, City, ");
});

test("an edit sends only the fields changed since the form opened", () => {
  const opened = { note: "First", tags: ["City"], visibility: "shared" };
  assert.deepEqual(changedFields(opened, { ...opened }), {});
  assert.deepEqual(changedFields(opened, { ...opened, note: "Second" }), { note: "Second" });
  assert.deepEqual(changedFields(opened, { ...opened, tags: ["City", "Finance"] }), {
    tags: ["City", "Finance"],
  });
});
