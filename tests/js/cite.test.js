import assert from "node:assert/strict";
import { test } from "node:test";

import { copyToClipboard } from "../../static/js/reader/cite.js";

const REFERENCE = {
  text: "Giddens, A. (2010, May 17). The rise and fall of New Labour. New Statesman.",
  html: "Giddens, A. (2010, May 17). The rise and fall of New Labour. <i>New Statesman</i>.",
};

/** A clipboard that records what is written; `refuse` names the methods that reject. */
function fakeClipboard({ refuse = [], without = [] } = {}) {
  const written = [];
  const clipboard = {
    async write(items) {
      if (refuse.includes("write")) throw new Error("NotAllowedError");
      written.push(...items);
    },
    async writeText(text) {
      if (refuse.includes("writeText")) throw new Error("NotAllowedError");
      written.push(text);
    },
  };
  for (const method of without) delete clipboard[method];
  return { clipboard, written };
}

class FakeItem {
  constructor(parts) {
    this.parts = parts;
  }
}

class FakeBlob {
  constructor([text], { type }) {
    this.text = text;
    this.type = type;
  }
}

test("a reference goes on the clipboard as plain text and as HTML", async () => {
  const { clipboard, written } = fakeClipboard();
  const copied = await copyToClipboard(REFERENCE, { clipboard, ClipboardItem: FakeItem, Blob: FakeBlob });
  assert.equal(copied, true);
  const [item] = written;
  assert.deepEqual(Object.keys(item.parts), ["text/plain", "text/html"]);
  assert.equal(item.parts["text/plain"].text, REFERENCE.text);
  assert.equal(item.parts["text/html"].text, REFERENCE.html);
  assert.equal(item.parts["text/html"].type, "text/html");
});

test("plain text alone when the browser has no ClipboardItem or refuses HTML", async () => {
  for (const platform of [
    { ...fakeClipboard(), ClipboardItem: undefined },
    { ...fakeClipboard({ refuse: ["write"] }), ClipboardItem: FakeItem },
    { ...fakeClipboard({ without: ["write"] }), ClipboardItem: FakeItem },
  ]) {
    const copied = await copyToClipboard(REFERENCE, { ...platform, Blob: FakeBlob });
    assert.equal(copied, true);
    assert.deepEqual(platform.written, [REFERENCE.text]);
  }
});

test("text without HTML (the citation key) is written as text", async () => {
  const { clipboard, written } = fakeClipboard();
  assert.equal(await copyToClipboard({ text: "giddens2010rise" }, { clipboard, ClipboardItem: FakeItem }), true);
  assert.deepEqual(written, ["giddens2010rise"]);
});

test("no clipboard, or a refusal, says so rather than throwing", async () => {
  assert.equal(await copyToClipboard(REFERENCE, { clipboard: undefined }), false);
  const { clipboard, written } = fakeClipboard({ refuse: ["write", "writeText"] });
  assert.equal(await copyToClipboard(REFERENCE, { clipboard, ClipboardItem: FakeItem, Blob: FakeBlob }), false);
  assert.deepEqual(written, []);
});
