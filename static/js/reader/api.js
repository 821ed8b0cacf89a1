/* The annotations API: JSON both ways, the CSRF token, and If-Match on every change so
 * that a change made meanwhile elsewhere is never silently undone. Every answer is
 * {ok: true, data} or {ok: false, status, errors}; it never throws. */

/** The CSRF token from a cookie string. */
export function csrfToken(cookies) {
  const match = cookies.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/** The messages of an error answer, as one sentence. */
export function messageOf(errors) {
  return Object.values(errors).flat().join(" ");
}

export class AnnotationApi {
  /**
   * @param {string} url the annotations' collection (from the server)
   * @param {{fetch?: Function, cookies?: () => string}} [platform] for tests
   */
  constructor(url, { fetch = (...args) => globalThis.fetch(...args), cookies = () => document.cookie } = {}) {
    this.url = url;
    this.fetch = fetch;
    this.cookies = cookies;
  }

  get(id) {
    return this.send("GET", `${this.url}/${id}`);
  }

  create(body) {
    return this.send("POST", this.url, body);
  }

  /** version: the annotation's version the change is based on (sent as If-Match). */
  update(id, body, version) {
    return this.send("PATCH", `${this.url}/${id}`, body, version);
  }

  remove(id, version) {
    return this.send("DELETE", `${this.url}/${id}`, undefined, version);
  }

  async send(method, url, body, version) {
    const headers = {
      "Content-Type": "application/json",
      "X-CSRFToken": csrfToken(this.cookies()),
      Accept: "application/json",
    };
    if (version !== undefined) headers["If-Match"] = `"${version}"`;
    let response;
    try {
      response = await this.fetch(url, {
        method,
        credentials: "same-origin",
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      return { ok: false, errors: { detail: "The server could not be reached. Nothing was saved." } };
    }
    if (response.status === 204) return { ok: true, data: null };
    let data;
    try {
      data = await response.json();
    } catch {
      data = { detail: `The server answered ${response.status}.` };
    }
    return response.ok ? { ok: true, data } : { ok: false, status: response.status, errors: data };
  }
}
