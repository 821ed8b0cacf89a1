/* Changes to annotations: each sent to the API, then shown in the page once saved. */

import { messageOf } from "./api.js";

/** Save a new annotation (editing null) or an edit; the API's answer. */
export async function save(reader, editing, body) {
  const saved = editing
    ? await reader.api.update(editing.id, body, editing.version)
    : await reader.api.create(body);
  if (saved.ok) {
    reader.annotations.set(saved.data);
  } else if (saved.status === 412 && editing) {
    return { ...saved, errors: await changedElsewhere(reader, editing, "save") };
  }
  return saved;
}

/** Delete an annotation; the API's answer. */
export async function remove(reader, annotation) {
  const result = await reader.api.remove(annotation.id, annotation.version);
  if (result.ok) {
    reader.annotations.delete(annotation.id);
    reader.redraw(annotation);
  } else if (result.status === 412) {
    return { ...result, errors: await changedElsewhere(reader, annotation, "delete") };
  }
  return result;
}

/** Re-attach an orphaned annotation to the passage selected (the page's ?fix=). */
export async function attach(reader, id, passage) {
  const saved = await reader.api.update(id, passage, reader.annotations.get(id)?.version);
  if (!saved.ok) {
    reader.announce(messageOf(saved.errors));
    return;
  }
  reader.annotations.set(saved.data);
  reader.data.fix = null;
  reader.control.attached();
  document.querySelector(".fix-notice")?.remove();
  window.getSelection().removeAllRanges();
  reader.redraw(saved.data);
  reader.announce("The annotation is attached to the new passage.");
  reader.navigator.focus(saved.data.id, false);
}

/* Someone changed (or deleted) the annotation since it was loaded: show the current
 * version in the page, let the form base its next save on it (keeping what the reader
 * typed), and say so. */
async function changedElsewhere(reader, annotation, action) {
  const current = await reader.api.get(annotation.id);
  if (!current.ok) {
    reader.annotations.delete(annotation.id);
    reader.redraw(annotation);
    return { detail: "This annotation was deleted elsewhere (in another tab or window). Nothing was saved." };
  }
  reader.annotations.set(current.data);
  reader.form.refreshed(current.data);
  reader.redraw(current.data);
  const next =
    action === "save"
      ? "Your text is still here: save again to replace the other version, or cancel to keep it."
      : "Here is the current version: delete it again if you still want it gone.";
  return {
    detail: `This annotation was changed elsewhere since you opened it, so nothing was ${action === "save" ? "saved" : "deleted"}. ${next}`,
  };
}
