import assert from "node:assert/strict";
import { test } from "node:test";

import { cpToUnit, trimEnd, trimStart, unitToCp } from "../../static/js/reader/offsets.js";

// "🗳️" is U+1F5F3 (two UTF-16 units) then U+FE0F (one); "𝔫" is astral too.
const TEXT = "🗳️ Vote 𝔫ow: the ballot box";

test("code points and UTF-16 units agree on plain text", () => {
  for (let i = 0; i <= 5; i++) {
    assert.equal(cpToUnit("plain", i), i);
    assert.equal(unitToCp("plain", i), i);
  }
});

test("astral characters count one code point, two units", () => {
  const unit = TEXT.indexOf("ballot");
  const codePoint = [...TEXT.slice(0, unit)].length;
  assert.equal(codePoint, unit - 2);
  assert.equal(cpToUnit(TEXT, codePoint), unit);
  assert.equal(unitToCp(TEXT, unit), codePoint);
  assert.equal(TEXT.slice(cpToUnit(TEXT, codePoint), cpToUnit(TEXT, codePoint + 6)), "ballot");
});

test("every code point offset survives the round trip", () => {
  const length = [...TEXT].length;
  for (let cp = 0; cp <= length; cp++) assert.equal(unitToCp(TEXT, cpToUnit(TEXT, cp)), cp);
});

test("offsets past the end stop at the end", () => {
  assert.equal(cpToUnit("ab", 10), 2);
  assert.equal(unitToCp("a😀", 10), 2);
});

test("a passage's ends move past white space, never past the text", () => {
  assert.equal(trimStart("  \n word", 0), 4);
  assert.equal(trimEnd("word \u00a0\t", 7), 4);
  assert.equal(trimStart("   ", 0), 3);
  assert.equal(trimEnd("   ", 3), 0);
  assert.equal(trimStart("word", 1), 1);
});
