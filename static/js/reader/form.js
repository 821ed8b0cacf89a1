/* The annotation form: a dialog to write a note, tags (completed from those in use) and
 * visibility, for a new passage or an annotation the reader may edit. */

import { save } from "./actions.js";
import { changedFields, completeTag, splitTags, tagSuggestions } from "./formvalues.js";

export class AnnotationForm {
  constructor(reader, dialog) {
    this.reader = reader;
    this.dialog = dialog;
    this.form = dialog.querySelector("form");
    this.fields = this.form.elements;
    this.quoteBox = dialog.querySelector(".annotation-form__quote");
    this.errorBox = dialog.querySelector(".annotation-form__errors");
    this.suggestions = dialog.querySelector(".tag-suggestions");
    this.knownTags = reader.data.tags.slice();
    this.editing = null; // the annotation edited; null for a new one
    this.opened = null; // the form's values when it opened
    this.passage = null;
    this.returnFocus = null;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.form.querySelector("[data-action=cancel]").addEventListener("click", () => this.close());
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      this.close();
    });
    this.listenForTags();
  }

  open({ passage = null, annotation = null }) {
    this.editing = annotation;
    this.passage = passage;
    this.returnFocus = document.activeElement;
    this.quoteBox.textContent = annotation ? annotation.quote : passage.quote;
    this.fields.note.value = annotation ? annotation.note : "";
    this.fields.tags.value = annotation ? annotation.tags.join(", ") : "";
    this.fields.visibility.value = annotation ? annotation.visibility : this.reader.data.default_visibility;
    this.opened = this.values();
    this.errorBox.replaceChildren();
    this.suggestions.replaceChildren();
    this.dialog.querySelector("h2").textContent = annotation ? "Edit annotation" : "New annotation";
    this.dialog.showModal();
    this.fields.note.focus();
  }

  close() {
    this.dialog.close();
    this.suggestions.replaceChildren();
    if (this.returnFocus && document.contains(this.returnFocus)) this.returnFocus.focus();
  }

  /** The annotation was found changed elsewhere: the next save is based on this version. */
  refreshed(annotation) {
    if (this.editing && this.editing.id === annotation.id) this.editing = annotation;
  }

  values() {
    return {
      note: this.fields.note.value,
      tags: splitTags(this.fields.tags.value),
      visibility: this.fields.visibility.value,
    };
  }

  /* A new annotation sends everything; an edit only what the reader changed. */
  body() {
    const now = this.values();
    return this.editing ? changedFields(this.opened, now) : { ...now, ...this.passage };
  }

  async submit() {
    const { reader } = this;
    const wasEditing = Boolean(this.editing);
    const saved = await save(reader, this.editing, this.body());
    if (!saved.ok) {
      this.showErrors(saved.errors);
      return;
    }
    for (const tag of saved.data.tags) if (!this.knownTags.includes(tag)) this.knownTags.push(tag);
    window.getSelection().removeAllRanges();
    this.close();
    reader.redraw(saved.data);
    reader.announce(wasEditing ? "Annotation saved." : "Annotation added.");
    reader.navigator.focus(saved.data.id, false);
  }

  showErrors(errors) {
    this.errorBox.replaceChildren();
    for (const [field, messages] of Object.entries(errors)) {
      const item = document.createElement("p");
      const text = [].concat(messages).join(" ");
      item.textContent = field === "detail" || field === "non_field_errors" ? text : `${field}: ${text}`;
      this.errorBox.append(item);
    }
    const first = this.errorBox.querySelector("p");
    first?.setAttribute("tabindex", "-1");
    first?.focus();
  }

  // Tag suggestions: the last tag being typed, completed from the tags in use.
  listenForTags() {
    const { tags } = this.fields;
    const options = () => [...this.suggestions.querySelectorAll("button")];
    tags.addEventListener("input", () => this.suggest());
    tags.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && options().length) {
        event.preventDefault();
        options()[0].focus();
      }
    });
    this.suggestions.addEventListener("keydown", (event) => {
      const all = options();
      const index = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < all.length - 1) {
        event.preventDefault();
        all[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (index > 0 ? all[index - 1] : tags).focus();
      }
    });
  }

  suggest() {
    const { tags } = this.fields;
    this.suggestions.replaceChildren(
      ...tagSuggestions(tags.value, this.knownTags).map((tag) => {
        const option = document.createElement("button");
        option.type = "button";
        option.className = "tag-suggestion";
        option.textContent = tag;
        option.addEventListener("click", () => {
          tags.value = completeTag(tags.value, tag);
          this.suggestions.replaceChildren();
          tags.focus();
        });
        return option;
      }),
    );
  }
}
