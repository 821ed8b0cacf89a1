import assert from "node:assert/strict";
import { test } from "node:test";

import { chosen, failure, percent, sending, size } from "../../static/js/upload/words.js";

test("sizes are said in the unit that fits", () => {
  assert.equal(size(0), "0 bytes");
  assert.equal(size(1023), "1023 bytes");
  assert.equal(size(1536), "1.5 kB");
  assert.equal(size(50 * 1024 * 1024), "50 MB");
});

test("what was chosen: how many, their size, the first names", () => {
  assert.equal(chosen([]), "");
  assert.equal(chosen([{ name: "a.html", size: 2048 }]), "1 file (2.0 kB): a.html");
  const five = ["a", "b", "c", "d", "e"].map((name) => ({ name, size: 1024 }));
  assert.equal(chosen(five), "5 files (5.0 kB): a, b, c and 2 more");
});

test("sending is told in words as well as by the bar", () => {
  assert.equal(sending(512, 2048), "Sending: 25% of 2.0 kB");
  assert.equal(sending(5, 0), "Sending…");
});

test("progress is a percentage, never past 100, and 0 when the total is unknown", () => {
  assert.equal(percent(50, 200), 25);
  assert.equal(percent(300, 200), 100);
  assert.equal(percent(10, 0), 0);
});

test("a refusal is told in the server's words when it gave them", () => {
  assert.equal(failure(400, { error: "a.exe: not a kind of file" }), "a.exe: not a kind of file");
  assert.match(failure(0, null), /cut off/);
  assert.match(failure(403, null), /reload the page and try again/);
  assert.match(failure(502, null), /error 502/);
});
