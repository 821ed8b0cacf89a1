import assert from "node:assert/strict";
import { test } from "node:test";

import { newClientKey } from "../../static/js/reader/formvalues.js";

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("a client key is a version 4 UUID, new each time", () => {
  const keys = new Set([newClientKey(), newClientKey()]);
  assert.equal(keys.size, 2);
  for (const key of keys) assert.match(key, UUID4);
});

test("without randomUUID (a page not served securely) it is made from random bytes", () => {
  const bytes = { getRandomValues: (array) => array.fill(0xff) };
  assert.equal(newClientKey(bytes), "ffffffff-ffff-4fff-bfff-ffffffffffff");
});
