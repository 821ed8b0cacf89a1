/* The popover: the annotations on a highlight, as cards; edit and delete on those the
 * server says the reader may change. */

import { remove } from "./actions.js";
import { messageOf } from "./api.js";
import { idsOf } from "./highlight.js";

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
    const cards = idsOf(highlight)
      .map((id) => this.reader.annotations.get(id))
      .filter(Boolean)
      .map((annotation) => this.card(annotation));
    const close = document.createElement("button");
    close.type = "button";
    close.className = "annotation-popover__close";
    close.textContent = "Close";
    close.addEventListener("click", () => this.hide());
    element.replaceChildren(...cards, close);
    const rect = highlight.getBoundingClientRect();
    element.hidden = false;
    const right = window.scrollX + document.documentElement.clientWidth - element.offsetWidth - 8;
    element.style.top = `${window.scrollY + rect.bottom + 6}px`;
    element.style.left = `${Math.max(8, Math.min(window.scrollX + rect.left, right))}px`;
    (element.querySelector("button") || close).focus();
  }

  /** Close it, giving focus back to the highlight it was opened from. */
  hide() {
    if (this.element.hidden) return;
    this.element.hidden = true;
    if (this.anchor && document.contains(this.anchor)) this.anchor.focus();
  }

  card(annotation) {
    const card = document.createElement("article");
    card.className = "annotation-card";
    card.dataset.annotation = annotation.id;
    const meta = document.createElement("p");
    meta.className = "annotation-card__meta";
    meta.textContent = `${annotation.user} · ${formatDate(annotation.modified)} · ${annotation.visibility}`;
    const note = document.createElement("div");
    note.className = "annotation-card__note";
    note.innerHTML = annotation.note_html; // rendered and sanitised by the server
    card.append(meta, note);
    if (annotation.tag_links.length) card.append(tagList(annotation.tag_links));
    if (annotation.can_edit) card.append(this.actions(annotation));
    return card;
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
