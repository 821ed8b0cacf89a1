/* Highlights: each paragraph's text redrawn as segments, each wrapped in the highlights
 * and search marks that cover it. Text is only ever inserted as text. */

import { segments } from "./passages.js";

/** The page's paragraphs by id: their elements, their text, and the search marks the
 * server put in it (as [from, to] in UTF-16 units). */
export function readParagraphs(root) {
  const paragraphs = new Map();
  for (const element of root.querySelectorAll(".paragraph[data-paragraph]")) {
    const id = Number(element.dataset.paragraph);
    const textElement = element.querySelector(".paragraph-text");
    paragraphs.set(id, {
      id,
      element,
      textElement,
      text: textElement.textContent,
      searchMarks: rangesOf(textElement, "mark"),
    });
  }
  return paragraphs;
}

/** How many UTF-16 units of `container`'s text come before (node, offset). */
export function unitOffset(container, node, offset) {
  const range = document.createRange();
  range.setStart(container, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

function rangesOf(container, selector) {
  return [...container.querySelectorAll(selector)].map((node) => {
    const start = unitOffset(container, node, 0);
    return [start, start + node.textContent.length];
  });
}

export class Highlights {
  constructor(reader, paragraphs) {
    this.reader = reader;
    this.paragraphs = paragraphs;
  }

  renderAll() {
    const shown = this.reader.annotations.shown();
    for (const id of this.paragraphs.keys()) this.render(id, shown);
  }

  /** Redraw the paragraphs an annotation covers. */
  renderAround(annotation) {
    const shown = this.reader.annotations.shown();
    for (const id of this.reader.article.between(annotation.paragraph, annotation.end_paragraph)) {
      this.render(id, shown);
    }
  }

  render(id, shown) {
    const paragraph = this.paragraphs.get(id);
    if (!paragraph) return;
    const { article } = this.reader;
    const byId = new Map(shown.map((annotation) => [annotation.id, annotation]));
    const layers = shown
      .map((annotation) => ({ id: annotation.id, span: article.spanIn(annotation, id) }))
      .filter((layer) => layer.span);
    const anchored = new Set(); // annotations whose first highlight is drawn
    const fragment = document.createDocumentFragment();
    for (const segment of segments(paragraph.text.length, layers, paragraph.searchMarks)) {
      let node = document.createTextNode(paragraph.text.slice(segment.from, segment.to));
      if (segment.marked) {
        const mark = document.createElement("mark");
        mark.append(node);
        node = mark;
      }
      if (segment.ids.length) {
        const covering = segment.ids.map((annotationId) => byId.get(annotationId));
        node = highlight(node, covering, id, anchored);
      }
      fragment.append(node);
    }
    paragraph.textElement.replaceChildren(fragment);
  }
}

/* The first highlight of an annotation, in the paragraph it starts in, is its anchor
 * (#annotation-<id>): focusable, and where the panel and the j/k keys take the reader. */
function highlight(content, covering, paragraphId, anchored) {
  const span = document.createElement("span");
  span.className = "hl";
  span.dataset.ids = covering.map((annotation) => annotation.id).join(" ");
  span.classList.add(covering.some((annotation) => annotation.mine) ? "hl--mine" : "hl--shared");
  if (covering.length > 1) span.classList.add("hl--overlap");
  const starting = covering.find((a) => a.paragraph === paragraphId && !anchored.has(a.id));
  if (starting) {
    anchored.add(starting.id);
    span.id = `annotation-${starting.id}`;
    span.tabIndex = 0;
    span.setAttribute("role", "button");
    span.setAttribute("aria-label", `Annotation: ${starting.quote.slice(0, 80)}`);
  }
  span.append(content);
  return span;
}

/** The annotation ids a highlight element stands for. */
export function idsOf(highlightElement) {
  return highlightElement.dataset.ids.split(" ").map(Number);
}
