/* The article's text as the server defines it, and where passages fall in it. The server
 * says which paragraphs there are, in which order, and what joins them in a quote; these
 * functions only apply that. Passages count code points, as the server does; spans in a
 * paragraph count UTF-16 units, as the DOM does. */

import { cpToUnit } from "./offsets.js";

export class ArticleText {
  /**
   * @param {number[]} order the paragraphs' ids in reading order (from the server)
   * @param {Map<number, string>} texts each paragraph's text
   * @param {string} joiner what the server puts between paragraphs in a quote
   */
  constructor(order, texts, joiner) {
    this.order = order;
    this.texts = texts;
    this.joiner = joiner;
    this.ranks = new Map(order.map((id, rank) => [id, rank]));
  }

  text(id) {
    return this.texts.get(id) ?? "";
  }

  /** Where a paragraph comes in the article; unknown ones (null: orphaned) after all. */
  rank(id) {
    return this.ranks.has(id) ? this.ranks.get(id) : Infinity;
  }

  /** The ids from `first` to `last`, both included; none if either is unknown. */
  between(first, last) {
    const from = this.ranks.get(first);
    const to = this.ranks.get(last);
    if (from === undefined || to === undefined) return [];
    return this.order.slice(from, to + 1);
  }

  /** The text of a passage {paragraph, start, end_paragraph, end}. */
  quote(passage) {
    return this.between(passage.paragraph, passage.end_paragraph)
      .map((id) => {
        const text = this.text(id);
        const from = id === passage.paragraph ? cpToUnit(text, passage.start) : 0;
        const to = id === passage.end_paragraph ? cpToUnit(text, passage.end) : text.length;
        return text.slice(from, to);
      })
      .join(this.joiner);
  }

  /** The part [from, to) of paragraph `id` an annotation covers, in UTF-16 units, or null. */
  spanIn(annotation, id) {
    if (annotation.orphaned) return null;
    const rank = this.ranks.get(id);
    const first = this.ranks.get(annotation.paragraph);
    const last = this.ranks.get(annotation.end_paragraph);
    if (rank === undefined || first === undefined || last === undefined) return null;
    if (rank < first || rank > last) return null;
    const text = this.text(id);
    const start = id === annotation.paragraph ? cpToUnit(text, annotation.start) : 0;
    const end = id === annotation.end_paragraph ? cpToUnit(text, annotation.end) : text.length;
    return start < end ? [start, end] : null;
  }

  /** Document order, as the server lists annotations: by where they start, then by id;
   * orphans last. */
  compare(a, b) {
    return this.rank(a.paragraph) - this.rank(b.paragraph) || a.start - b.start || a.id - b.id;
  }
}

/**
 * A paragraph's text cut wherever a highlight or a search mark starts or ends, so that
 * the same ones cover each segment throughout and they nest cleanly when drawn.
 * @param {number} length the text's length
 * @param {{id: number, span: [number, number]}[]} layers highlights, in drawing order
 * @param {[number, number][]} marks the search marks
 * @returns {{from: number, to: number, ids: number[], marked: boolean}[]}
 */
export function segments(length, layers, marks) {
  const cuts = new Set([0, length]);
  for (const { span } of layers) span.forEach((cut) => cuts.add(cut));
  for (const mark of marks) mark.forEach((cut) => cuts.add(cut));
  const points = [...cuts].sort((a, b) => a - b);
  return points.slice(0, -1).map((from, i) => {
    const to = points[i + 1];
    const covers = ([start, end]) => start <= from && end >= to;
    return {
      from,
      to,
      ids: layers.filter((layer) => covers(layer.span)).map((layer) => layer.id),
      marked: marks.some(covers),
    };
  });
}
