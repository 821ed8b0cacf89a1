import assert from "node:assert/strict";
import { test } from "node:test";

import { AnnotationApi, csrfToken, messageOf } from "../../static/js/reader/api.js";

/** An API client whose fetch answers `answer` and records each request. */
function client(answer) {
  const requests = [];
  const api = new AnnotationApi("/api/annotations", {
    fetch: async (url, options) => {
      requests.push({ url, ...options });
      return answer();
    },
    cookies: () => "theme=dark; csrftoken=abc%3D123",
  });
  return { api, requests };
}

function json(status, body) {
  return { status, ok: status >= 200 && status < 300, json: async () => body };
}

test("the CSRF token is read from the cookies", () => {
  assert.equal(csrfToken("a=1; csrftoken=tok; b=2"), "tok");
  assert.equal(csrfToken("xcsrftoken=no"), "");
});

test("a change names the version it is based on", async () => {
  const { api, requests } = client(() => json(200, { id: 7, version: 4 }));
  const saved = await api.update(7, { note: "n" }, 3);
  assert.deepEqual(saved, { ok: true, data: { id: 7, version: 4 } });
  const [request] = requests;
  assert.equal(request.url, "/api/annotations/7");
  assert.equal(request.method, "PATCH");
  assert.equal(request.headers["If-Match"], '"3"');
  assert.equal(request.headers["X-CSRFToken"], "abc=123");
  assert.equal(request.body, '{"note":"n"}');
});

test("a new annotation is posted to the collection, with no version", async () => {
  const { api, requests } = client(() => json(201, { id: 8 }));
  await api.create({ note: "n" });
  assert.equal(requests[0].url, "/api/annotations");
  assert.equal(requests[0].method, "POST");
  assert.equal("If-Match" in requests[0].headers, false);
});

test("a deletion answers no content", async () => {
  const { api, requests } = client(() => ({ status: 204, ok: true }));
  assert.deepEqual(await api.remove(7, 2), { ok: true, data: null });
  assert.equal(requests[0].body, undefined);
});

test("refusals keep their status and the server's messages", async () => {
  const { api } = client(() => json(412, { detail: "Changed elsewhere." }));
  assert.deepEqual(await api.update(7, {}, 1), {
    ok: false,
    status: 412,
    errors: { detail: "Changed elsewhere." },
  });
});

test("an answer that is not JSON, or none at all, is said plainly", async () => {
  const broken = client(() => ({ status: 502, ok: false, json: async () => JSON.parse("<html>") }));
  assert.deepEqual((await broken.api.get(1)).errors, { detail: "The server answered 502." });
  const offline = client(() => {
    throw new TypeError("Failed to fetch");
  });
  const result = await offline.api.create({});
  assert.equal(result.ok, false);
  assert.match(result.errors.detail, /could not be reached/);
});

test("error messages read as one sentence", () => {
  assert.equal(messageOf({ end: ["It must come after start."], detail: "No." }), "It must come after start. No.");
});
