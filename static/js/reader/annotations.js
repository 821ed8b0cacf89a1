/* The annotations the page knows, as the API shows them (each saying whether it is the
 * reader's own and whether they may change it), and which of them are shown. */

export class Annotations {
  /**
   * @param {object[]} list annotations as the API gives them
   * @param {import("./passages.js").ArticleText} article for document order
   */
  constructor(list, article) {
    this.article = article;
    this.byId = new Map(list.map((annotation) => [annotation.id, annotation]));
    this.tag = ""; // the tag chosen in the panel; "" for all
  }

  get(id) {
    return this.byId.get(id);
  }

  set(annotation) {
    this.byId.set(annotation.id, annotation);
  }

  delete(id) {
    this.byId.delete(id);
  }

  /** Those carrying the chosen tag (all when none is chosen), in document order. */
  shown() {
    return [...this.byId.values()]
      .filter((annotation) => !this.tag || annotation.tags.includes(this.tag))
      .sort((a, b) => this.article.compare(a, b));
  }

  /** Every tag on them, once, alphabetically. */
  tagsInUse() {
    const tags = new Set([...this.byId.values()].flatMap((annotation) => annotation.tags));
    return [...tags].sort((a, b) => a.localeCompare(b));
  }
}
