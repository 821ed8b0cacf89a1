/* The annotation form: a dialog to write a note, tags (completed from those in use) and
 * visibility, for a new passage or an annotation the reader may edit. */

import { save } from "./actions.js";
import { errorSentences, loggedOut } from "./api.js";
import { changedFields, completeTag, newClientKey, splitTags, tagSuggestions } from "./formvalues.js";

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
    this.clientKey = null; // made when a new annotation's form opens
    this.saving = false;
    this.saveButton = this.form.querySelector("button[type=submit]");
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
    this.listenForTabs();
  }

  // Write and Preview: the preview is the server's rendering, never a copy of it here.
  listenForTabs() {
    this.tabs = [...this.dialog.querySelectorAll("[role=tab]")];
    this.preview = this.dialog.querySelector(".annotation-form__preview");
    this.tabs.forEach((tab, index) => {
      tab.addEventListener("click", () => this.showTab(index));
      tab.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        event.preventDefault();
        const next = (index + step + this.tabs.length) % this.tabs.length;
        this.showTab(next);
        this.tabs[next].focus();
      });
    });
  }

  async showTab(index) {
    this.tabs.forEach((tab, i) => {
      tab.setAttribute("aria-selected", String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
    });
    const previewing = index === 1;
    this.fields.note.hidden = previewing;
    this.preview.hidden = !previewing;
    if (!previewing) return;
    this.preview.textContent = "Rendering…";
    const rendered = await this.reader.api.preview(this.reader.data.note_preview, this.fields.note.value);
    if (!rendered.ok) {
      this.preview.textContent = loggedOut(rendered) ? "You are logged out." : errorSentences(rendered.errors).join(" ");
    } else if (!rendered.data.note_html) {
      this.preview.textContent = "Nothing to preview.";
    } else {
      this.preview.innerHTML = rendered.data.note_html; // rendered and sanitised by the server
    }
  }

  open({ passage = null, annotation = null }) {
    this.editing = annotation;
    this.passage = passage;
    this.clientKey = annotation ? null : newClientKey();
    this.returnFocus = document.activeElement;
    this.quoteBox.textContent = annotation ? annotation.quote : passage.quote;
    this.fields.note.value = annotation ? annotation.note : "";
    this.fields.tags.value = annotation ? annotation.tags.join(", ") : "";
    this.fields.visibility.value = annotation ? annotation.visibility : this.reader.data.default_visibility;
    this.opened = this.values();
    this.errorBox.replaceChildren();
    this.suggestions.replaceChildren();
    this.showTab(0);
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
    return this.editing
      ? changedFields(this.opened, now)
      : { ...now, ...this.passage, client_key: this.clientKey };
  }

  async submit() {
    if (this.saving) return; // one save at a time: a second click waits for the first
    const { reader } = this;
    const wasEditing = Boolean(this.editing);
    this.setSaving(true);
    const saved = await save(reader, this.editing, this.body()).finally(() => this.setSaving(false));
    if (!saved.ok && loggedOut(saved)) {
      this.keepDraft();
      this.showLoggedOut();
      return;
    }
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

  setSaving(saving) {
    this.saving = saving;
    this.saveButton.disabled = saving;
    this.saveButton.textContent = saving ? "Saving…" : "Save";
    this.form.setAttribute("aria-busy", String(saving));
  }

  showErrors(errors) {
    this.errorBox.replaceChildren(
      ...errorSentences(errors).map((sentence) => {
        const item = document.createElement("p");
        item.textContent = sentence;
        return item;
      }),
    );
    this.focusErrors();
  }

  focusErrors() {
    const first = this.errorBox.querySelector("p");
    first?.setAttribute("tabindex", "-1");
    first?.focus();
  }

  /* The session has ended (logged out elsewhere, or expired): say so plainly and offer to
   * log in again, coming back here, where the draft kept meanwhile is restored. */
  showLoggedOut() {
    const item = document.createElement("p");
    const login = document.createElement("a");
    login.href = this.reader.data.login_url;
    login.textContent = "Log in again";
    item.append("You are logged out, so nothing was saved. ", login, " and your note will be here, ready to save.");
    this.errorBox.replaceChildren(item);
    this.focusErrors();
  }

  /** Keep what the form holds in this tab's session storage, for after logging in. */
  keepDraft() {
    const draft = {
      editing: this.editing?.id ?? null,
      passage: this.passage,
      clientKey: this.clientKey,
      values: this.values(),
    };
    try {
      window.sessionStorage.setItem(draftKey(), JSON.stringify(draft));
    } catch {
      // Storage full or refused: the message still says what happened.
    }
  }

  /** Reopen the form with the draft kept before logging in again, if there is one. */
  restoreDraft() {
    let draft = null;
    try {
      draft = JSON.parse(window.sessionStorage.getItem(draftKey()) || "null");
      window.sessionStorage.removeItem(draftKey());
    } catch {
      return;
    }
    if (!draft || !this.reader.data.may_annotate) return;
    const annotation = draft.editing ? this.reader.annotations.get(draft.editing) : null;
    if (draft.editing && !annotation?.can_edit) return;
    if (!annotation && !draft.passage) return;
    this.open({ passage: draft.passage, annotation });
    if (!annotation && draft.clientKey) this.clientKey = draft.clientKey;
    this.fields.note.value = draft.values.note;
    this.fields.tags.value = draft.values.tags.join(", ");
    this.fields.visibility.value = draft.values.visibility;
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

function draftKey() {
  return `commonplace:draft:${window.location.pathname}`;
}
