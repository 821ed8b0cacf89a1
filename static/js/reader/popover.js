/* The popover: the annotations on a highlight, as cards; edit and delete on those the
 * server says the reader may change. */

import { remove } from "./actions.js";
import { messageOf } from "./api.js";
import { idsOf } from "./highlight.js";
import { shorten, textChangedBadge, visibilityMark } from "./panel.js";

export class Popover {
  constructor(reader) {
    this.reader = reader;
    this.anchor = null;
    this.element = document.createElement("div");
    this.element.className = "annotation-popover";
    this.element.hidden = true;
    this.element.setAttribute("role", "dialog");
    this.element.setAttribute("aria-label", "Annotations on this passage");
    document.body.append(this.element);
    this.listen();
  }

  listen() {
    const { root } = this.reader;
    root.addEventListener("click", (event) => {
      const highlight = event.target.closest(".hl");
      if (highlight && window.getSelection().isCollapsed) this.show(highlight);
    });
    root.addEventListener("keydown", (event) => {
      const highlight = event.target.closest?.(".hl");
      if (highlight && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        this.show(highlight);
      }
    });
    document.addEventListener("click", (event) => {
      const outside = !this.element.contains(event.target) && !event.target.closest(".hl");
      if (!this.element.hidden && outside) this.hide();
    });
  }

  show(highlight) {
    const { element } = this;
    this.anchor = highlight;
    const covering = idsOf(highlight)
      .map((id) => this.reader.annotations.get(id))
      .filter(Boolean);
    // Where highlights overlap, each note says which passage it is about.
    const cards = covering.map((annotation) => this.card(annotation, covering.length > 1));
    const close = document.createElement("button");
    close.type = "button";
    close.className = "annotation-popover__close";
    close.textContent = "Close";
    close.addEventListener("click", () => this.hide());
    element.replaceChildren(...cards, close);
    element.hidden = false;
    this.place(highlight);
    (element.querySelector("button") || close).focus({ preventScroll: true });
  }

  /* Below the highlight, or above it when there is more room there; always within the
   * window (its height is capped in CSS, and it scrolls inside). */
  place(highlight) {
    const { element } = this;
    const rect = highlight.getBoundingClientRect();
    const viewport = document.documentElement;
    const height = element.offsetHeight;
    const below = viewport.clientHeight - rect.bottom - 6;
    const above = rect.top - 6;
    let top = below >= height || below >= above ? rect.bottom + 6 : rect.top - 6 - height;
    top = Math.max(8, Math.min(top, viewport.clientHeight - height - 8));
    const right = viewport.clientWidth - element.offsetWidth - 8;
    element.style.top = `${window.scrollY + top}px`;
    element.style.left = `${window.scrollX + Math.max(8, Math.min(rect.left, right))}px`;
  }

  /** Close it, giving focus back to the highlight it was opened from. */
  hide() {
    if (this.element.hidden) return;
    this.element.hidden = true;
    if (this.anchor && document.contains(this.anchor)) this.anchor.focus();
  }

  card(annotation, withQuote) {
    const card = document.createElement("article");
    card.className = `annotation-card annotation-card--${annotation.visibility}`;
    card.dataset.annotation = annotation.id;
    if (withQuote) {
      const quote = document.createElement("q");
      quote.className = "annotation-card__quote";
      quote.textContent = shorten(annotation.quote, 90);
      card.append(quote);
    }
    const meta = document.createElement("p");
    meta.className = "annotation-card__meta";
    meta.append(
      visibilityMark(annotation),
      `${annotation.user} · ${formatDate(annotation.modified)} · ${annotation.visibility}`,
    );
    const note = document.createElement("div");
    note.className = "annotation-card__note";
    note.innerHTML = annotation.note_html; // rendered and sanitised by the server
    card.append(meta);
    if (annotation.anchor === "fuzzy") card.append(this.textChanged(annotation));
    card.append(note);
    if (annotation.tag_links.length) card.append(tagList(annotation.tag_links));
    card.append(waysBack(annotation));
    if (annotation.can_edit) card.append(this.actions(annotation));
    return card;
  }

  /* "Text changed", and for those who may change it, a way to say it still fits. */
  textChanged(annotation) {
    const line = document.createElement("p");
    line.className = "annotation-card__changed";
    line.append(textChangedBadge());
    if (!annotation.can_edit) return line;
    const checked = document.createElement("button");
    checked.type = "button";
    checked.textContent = "I've checked this";
    checked.addEventListener("click", () => this.markChecked(annotation));
    line.append(" ", checked);
    return line;
  }

  async markChecked(annotation) {
    const { reader } = this;
    const saved = await reader.api.update(annotation.id, { anchor: "anchored" }, annotation.version);
    if (!saved.ok) {
      reader.announce(messageOf(saved.errors));
      return;
    }
    reader.annotations.set(saved.data);
    reader.redraw(saved.data);
    reader.announce("Marked as checked: the text changed flag is cleared.");
    const anchor = document.getElementById(`annotation-${saved.data.id}`) || this.anchor;
    if (anchor) this.show(anchor);
  }

  actions(annotation) {
    const actions = document.createElement("p");
    actions.className = "annotation-card__actions";
    const edit = document.createElement("button");
    edit.type = "button";
    edit.textContent = "Edit";
    edit.addEventListener("click", () => {
      this.element.hidden = true;
      this.reader.form.open({ annotation });
    });
    const deletion = document.createElement("button");
    deletion.type = "button";
    deletion.textContent = "Delete";
    deletion.className = "danger";
    deletion.addEventListener("click", () => this.delete(annotation));
    actions.append(edit, deletion);
    return actions;
  }

  async delete(annotation) {
    if (!window.confirm("Delete this annotation? This cannot be undone.")) return;
    const result = await remove(this.reader, annotation);
    this.element.hidden = true;
    this.reader.announce(result.ok ? "Annotation deleted." : messageOf(result.errors));
  }
}

/** Its permalink, to cite or share, and where the server knows one, the passage in the
 * page the article first appeared on. */
function waysBack(annotation) {
  const line = document.createElement("p");
  line.className = "annotation-card__links";
  const links = [["Permalink", annotation.permalink]];
  if (annotation.original_passage_url) links.push(["In the original", annotation.original_passage_url]);
  for (const [label, url] of links) {
    const link = document.createElement("a");
    link.href = url;
    link.textContent = label;
    if (line.childNodes.length) line.append(" · ");
    line.append(link);
  }
  return line;
}

/** Each tag linked to its page, where the server says it is. */
function tagList(links) {
  const list = document.createElement("ul");
  list.className = "tag-list";
  for (const tag of links) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = tag.url;
    link.textContent = tag.name;
    item.append(link);
    list.append(item);
  }
  return list;
}

function formatDate(iso) {
  return new Date(iso).toLocaleDateString(document.documentElement.lang || undefined, {
    day: "numeric",
    month: "short",
    year: "numeric",
  });
}
