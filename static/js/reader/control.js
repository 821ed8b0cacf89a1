/* The annotate control: a button by the selected passage (a link to log in for those who
 * may not annotate, as the server says), and the selection read as a passage. */

import { trimEnd, trimStart, unitToCp } from "./offsets.js";
import { unitOffset } from "./highlight.js";

/**
 * The current selection as {paragraph, start, end_paragraph, end, quote}, offsets in code
 * points, trimmed of surrounding white space; or null. A selection that begins or ends
 * outside paragraph text (a heading, a ¶ mark) is clamped to the text it covers.
 */
export function selectedPassage(paragraphs, article) {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0);
  const covered = article.order
    .map((id) => paragraphs.get(id))
    .filter((paragraph) => paragraph && range.intersectsNode(paragraph.textElement));
  if (!covered.length) return null;
  const first = covered[0];
  const last = covered[covered.length - 1];
  let startUnit = 0;
  let endUnit = last.text.length;
  if (first.textElement.contains(range.startContainer)) {
    startUnit = unitOffset(first.textElement, range.startContainer, range.startOffset);
  }
  if (last.textElement.contains(range.endContainer)) {
    endUnit = unitOffset(last.textElement, range.endContainer, range.endOffset);
  }
  startUnit = trimStart(first.text, startUnit);
  endUnit = trimEnd(last.text, endUnit);
  if (first === last && startUnit >= endUnit) return null;
  const passage = {
    paragraph: first.id,
    start: unitToCp(first.text, startUnit),
    end_paragraph: last.id,
    end: unitToCp(last.text, endUnit),
  };
  passage.quote = article.quote(passage);
  return passage.quote ? passage : null;
}

export class AnnotateControl {
  constructor(reader, paragraphs) {
    this.reader = reader;
    this.paragraphs = paragraphs;
    this.pending = null; // the last passage selected, should the selection go meanwhile
    this.element = document.createElement("div");
    this.element.className = "annotate-control";
    this.element.hidden = true;
    this.element.append(reader.data.may_annotate ? this.button() : this.loginLink());
    document.body.append(this.element);
    document.addEventListener("selectionchange", () => window.requestAnimationFrame(() => this.place()));
  }

  button() {
    this.buttonElement = document.createElement("button");
    this.buttonElement.type = "button";
    this.buttonElement.className = "button";
    this.buttonElement.textContent = this.reader.data.fix ? "Attach the annotation here" : "Annotate";
    this.buttonElement.title = "Annotate the selection (a)";
    this.buttonElement.addEventListener("mousedown", (event) => event.preventDefault());
    this.buttonElement.addEventListener("click", () => this.annotate());
    return this.buttonElement;
  }

  loginLink() {
    const login = document.createElement("a");
    login.href = this.reader.data.login_url;
    login.className = "button";
    login.textContent = "Log in to annotate";
    return login;
  }

  selected() {
    return selectedPassage(this.paragraphs, this.reader.article);
  }

  place() {
    const passage = this.selected();
    if (!passage) {
      this.hide();
      return;
    }
    this.pending = passage;
    const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    const { element } = this;
    element.hidden = false;
    element.style.top = `${window.scrollY + rect.bottom + 8}px`;
    element.style.left = `${Math.max(8, window.scrollX + rect.left + rect.width / 2 - element.offsetWidth / 2)}px`;
  }

  hide() {
    this.element.hidden = true;
  }

  annotate() {
    const { reader } = this;
    const passage = this.selected() || this.pending;
    if (!passage) {
      reader.announce("Select a passage first, then press a.");
      return;
    }
    if (!reader.data.may_annotate) {
      window.location.href = reader.data.login_url;
      return;
    }
    this.hide();
    if (reader.data.fix) {
      reader.attach(reader.data.fix, passage);
      return;
    }
    reader.form.open({ passage });
  }

  /** The orphan is attached: the button annotates again. */
  attached() {
    this.buttonElement.textContent = "Annotate";
  }
}
