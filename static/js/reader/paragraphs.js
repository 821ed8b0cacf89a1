/* Annotating without a mouse: the article's paragraphs are one tab stop (a roving
 * tabindex: ↑ and ↓ move between them); on a focused paragraph, `s` selects its next
 * sentence (Shift+S takes one more), and `a` annotates the selection, or the whole
 * paragraph when nothing is selected. */

import { trimEnd, trimStart } from "./offsets.js";

/** The sentences of a text as [from, to) in UTF-16 units, trimmed of white space. */
export function sentenceSpans(text, Segmenter = globalThis.Intl?.Segmenter) {
  const pieces = Segmenter
    ? [...new Segmenter(undefined, { granularity: "sentence" }).segment(text)].map((s) => [
        s.index,
        s.index + s.segment.length,
      ])
    : [...text.matchAll(/[^.!?]+(?:[.!?]+["'”’)\]]*|$)/g)].map((m) => [m.index, m.index + m[0].length]);
  return pieces
    .map(([from, to]) => [trimStart(text, from), trimEnd(text, to)])
    .filter(([from, to]) => from < to);
}

/** The (node, offset) of a UTF-16 offset in an element's text. */
function pointAt(element, unit) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let left = unit;
  let node = walker.nextNode();
  while (node) {
    if (left <= node.textContent.length) return [node, left];
    left -= node.textContent.length;
    const next = walker.nextNode();
    if (!next) return [node, node.textContent.length];
    node = next;
  }
  return [element, 0];
}

export class ParagraphKeys {
  constructor(reader, paragraphs) {
    this.reader = reader;
    this.paragraphs = [...reader.article.order].map((id) => paragraphs.get(id)).filter(Boolean);
    this.paragraphs.forEach((paragraph, index) => {
      paragraph.element.tabIndex = index === 0 ? 0 : -1;
      paragraph.element.addEventListener("focus", () => this.rove(paragraph));
    });
  }

  /** The paragraph in focus itself (not a highlight in it), or null. */
  focused() {
    return this.paragraphs.find((paragraph) => paragraph.element === document.activeElement) ?? null;
  }

  rove(current) {
    for (const paragraph of this.paragraphs) paragraph.element.tabIndex = paragraph === current ? 0 : -1;
  }

  /** Handle a key on a focused paragraph; whether it was one of ours. */
  handle(event) {
    const paragraph = this.focused();
    if (!paragraph) return false;
    const index = this.paragraphs.indexOf(paragraph);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const next = this.paragraphs[index + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) {
        window.getSelection().removeAllRanges();
        next.element.focus();
        next.element.scrollIntoView({ block: "nearest" });
      }
      return true;
    }
    if (event.key === "s" || event.key === "S") {
      this.selectSentence(paragraph, event.key === "S");
      return true;
    }
    if (event.key === "a" && window.getSelection().isCollapsed) {
      this.selectAll(paragraph);
      this.reader.control.annotate({ fromKey: true });
      return true;
    }
    return false;
  }

  /** The sentence after the one selected in this paragraph (the first if none), or, with
   * extend, the selection grown by one more sentence. */
  selectSentence(paragraph, extend) {
    const spans = sentenceSpans(paragraph.text);
    if (!spans.length) return;
    const [from, to] = this.selectedSpan(paragraph) ?? [null, null];
    const nextIndex = to === null ? 0 : spans.findIndex(([start]) => start >= to);
    if (nextIndex === -1) {
      this.reader.say("That is the paragraph's last sentence.");
      return;
    }
    const start = extend && from !== null ? from : spans[nextIndex][0];
    this.select(paragraph, start, spans[nextIndex][1]);
    const quote = paragraph.text.slice(start, spans[nextIndex][1]);
    this.reader.announce(`Selected: ${quote}. Press a to annotate it.`);
  }

  selectAll(paragraph) {
    const spans = sentenceSpans(paragraph.text);
    if (spans.length) this.select(paragraph, spans[0][0], spans[spans.length - 1][1]);
  }

  /** The selection's [from, to) in this paragraph's text, if it lies within it. */
  selectedSpan(paragraph) {
    const selection = window.getSelection();
    if (selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    const text = paragraph.textElement;
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const from = before.toString().length;
    return [from, from + range.toString().length];
  }

  select(paragraph, from, to) {
    const range = document.createRange();
    range.setStart(...pointAt(paragraph.textElement, from));
    range.setEnd(...pointAt(paragraph.textElement, to));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
}
