/* Commonplace reader: select a passage, annotate and tag it, see highlights at once.
 *
 * Offsets sent to and read from the server count Unicode code points (as Python string
 * indexes do); the DOM counts UTF-16 units. Every conversion goes through cpToUnit and
 * unitToCp, so an emoji before a selection cannot shift the passage.
 *
 * Text from the server is only ever inserted with textContent, except note_html, which
 * the server has rendered from Markdown and sanitised.
 */
(function () {
  "use strict";

  const contextElement = document.getElementById("reader-context");
  const reader = document.querySelector(".reader");
  if (!contextElement || !reader) return;
  const context = JSON.parse(contextElement.textContent);
  const user = context.user;
  const annotations = new Map(context.annotations.map((a) => [a.id, a]));
  let knownTags = context.tags.slice();

  // Paragraphs -------------------------------------------------------------------------

  const paragraphs = new Map();
  document.querySelectorAll(".paragraph[data-paragraph]").forEach((element) => {
    const textElement = element.querySelector(".paragraph-text");
    const text = textElement.textContent;
    paragraphs.set(Number(element.dataset.paragraph), {
      id: Number(element.dataset.paragraph),
      position: Number(element.dataset.position),
      element,
      textElement,
      text,
      searchMarks: rangesOf(textElement, "mark"),
    });
  });
  const byPosition = [...paragraphs.values()].sort((a, b) => a.position - b.position);

  function rangesOf(container, selector) {
    return [...container.querySelectorAll(selector)].map((node) => {
      const start = unitOffset(container, node, 0);
      return [start, start + node.textContent.length];
    });
  }

  function cpToUnit(text, codePoints) {
    let unit = 0;
    for (let i = 0; i < codePoints && unit < text.length; i++) {
      unit += text.codePointAt(unit) > 0xffff ? 2 : 1;
    }
    return unit;
  }

  function unitToCp(text, units) {
    let codePoints = 0;
    for (let unit = 0; unit < units && unit < text.length; codePoints++) {
      unit += text.codePointAt(unit) > 0xffff ? 2 : 1;
    }
    return codePoints;
  }

  function unitOffset(container, node, offset) {
    const range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function paragraphOf(node) {
    const element = (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement)
      ?.closest(".paragraph[data-paragraph]");
    return element ? paragraphs.get(Number(element.dataset.paragraph)) : null;
  }

  // Selection → passage --------------------------------------------------------------

  /* The current selection as {paragraph, start, end_paragraph, end, quote} in code
   * points, trimmed of surrounding white space, or null. A selection that begins or ends
   * outside paragraph text (a heading, a ¶ mark) is clamped to the text it covers. */
  function selectedPassage() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    const covered = byPosition.filter((p) => range.intersectsNode(p.textElement));
    if (!covered.length) return null;
    let first = covered[0];
    let last = covered[covered.length - 1];
    let startUnit = 0;
    let endUnit = last.text.length;
    if (first.textElement.contains(range.startContainer)) {
      startUnit = unitOffset(first.textElement, range.startContainer, range.startOffset);
    }
    if (last.textElement.contains(range.endContainer)) {
      endUnit = unitOffset(last.textElement, range.endContainer, range.endOffset);
    }
    while (startUnit < first.text.length && /\s/.test(first.text[startUnit])) startUnit++;
    while (endUnit > 0 && /\s/.test(last.text[endUnit - 1])) endUnit--;
    if (first === last && startUnit >= endUnit) return null;
    const passage = {
      paragraph: first.id,
      start: unitToCp(first.text, startUnit),
      end_paragraph: last.id,
      end: unitToCp(last.text, endUnit),
    };
    passage.quote = quoteOf(passage);
    return passage.quote ? passage : null;
  }

  function quoteOf(passage) {
    const first = paragraphs.get(passage.paragraph);
    const last = paragraphs.get(passage.end_paragraph);
    const parts = byPosition
      .filter((p) => p.position >= first.position && p.position <= last.position)
      .map((p) => {
        const from = p === first ? cpToUnit(p.text, passage.start) : 0;
        const to = p === last ? cpToUnit(p.text, passage.end) : p.text.length;
        return p.text.slice(from, to);
      });
    return parts.join("\n\n");
  }

  // Highlights -------------------------------------------------------------------------

  function spanInParagraph(annotation, paragraph) {
    if (annotation.orphaned) return null;
    const first = paragraphs.get(annotation.paragraph);
    const last = paragraphs.get(annotation.end_paragraph);
    if (!first || !last) return null;
    if (paragraph.position < first.position || paragraph.position > last.position) return null;
    const start = paragraph === first ? cpToUnit(paragraph.text, annotation.start) : 0;
    const end = paragraph === last ? cpToUnit(paragraph.text, annotation.end) : paragraph.text.length;
    return start < end ? [start, end] : null;
  }

  function visibleAnnotations() {
    const tag = panelFilter ? panelFilter.value : "";
    return [...annotations.values()].filter((a) => !tag || a.tags.includes(tag));
  }

  /* Rebuild a paragraph's text as segments, each covered by the same annotations and
   * search marks, so overlapping annotations and search marks nest cleanly. */
  function renderParagraph(paragraph) {
    const layers = [];
    for (const annotation of visibleAnnotations()) {
      const span = spanInParagraph(annotation, paragraph);
      if (span) layers.push({ span, annotation });
    }
    const cuts = new Set([0, paragraph.text.length]);
    layers.forEach(({ span }) => span.forEach((cut) => cuts.add(cut)));
    paragraph.searchMarks.forEach((span) => span.forEach((cut) => cuts.add(cut)));
    const points = [...cuts].sort((a, b) => a - b);
    const fragment = document.createDocumentFragment();
    const started = new Set();
    for (let i = 0; i < points.length - 1; i++) {
      const [from, to] = [points[i], points[i + 1]];
      const text = paragraph.text.slice(from, to);
      const covering = layers.filter(({ span }) => span[0] <= from && span[1] >= to);
      const searched = paragraph.searchMarks.some((span) => span[0] <= from && span[1] >= to);
      let node = document.createTextNode(text);
      if (searched) {
        const mark = document.createElement("mark");
        mark.append(node);
        node = mark;
      }
      if (covering.length) {
        const span = document.createElement("span");
        const ids = covering.map(({ annotation }) => annotation.id);
        span.className = "hl";
        span.dataset.ids = ids.join(" ");
        span.classList.add(covering.some(({ annotation }) => isMine(annotation)) ? "hl--mine" : "hl--shared");
        if (covering.length > 1) span.classList.add("hl--overlap");
        for (const id of ids) {
          if (!started.has(id) && paragraph.id === annotations.get(id).paragraph) {
            started.add(id);
            span.id = span.id || `annotation-${id}`;
            span.tabIndex = 0;
            span.setAttribute("role", "button");
            span.setAttribute("aria-label", `Annotation: ${annotations.get(id).quote.slice(0, 80)}`);
          }
        }
        span.append(node);
        node = span;
      }
      fragment.append(node);
    }
    paragraph.textElement.replaceChildren(fragment);
  }

  function renderAll() {
    paragraphs.forEach(renderParagraph);
    renderPanel();
  }

  function renderAround(annotation) {
    const first = paragraphs.get(annotation.paragraph);
    const last = paragraphs.get(annotation.end_paragraph);
    if (first && last) {
      byPosition
        .filter((p) => p.position >= first.position && p.position <= last.position)
        .forEach(renderParagraph);
    }
    renderPanel();
  }

  // Whose an annotation is and who may change it are the server's to say.
  function isMine(annotation) {
    return Boolean(annotation.mine);
  }

  function canEdit(annotation) {
    return Boolean(annotation.can_edit);
  }

  function documentOrder(a, b) {
    const pa = paragraphs.get(a.paragraph);
    const pb = paragraphs.get(b.paragraph);
    return (pa ? pa.position : Infinity) - (pb ? pb.position : Infinity) || a.start - b.start || a.id - b.id;
  }

  // The annotate control --------------------------------------------------------------

  const control = document.createElement("div");
  control.className = "annotate-control";
  control.hidden = true;
  const controlButton = document.createElement("button");
  controlButton.type = "button";
  controlButton.className = "button";
  controlButton.textContent = context.fix ? "Attach the annotation here" : "Annotate";
  controlButton.title = "Annotate the selection (a)";
  control.append(controlButton);
  if (!user) {
    const login = document.createElement("a");
    login.href = context.login_url;
    login.className = "button";
    login.textContent = "Log in to annotate";
    control.replaceChildren(login);
  }
  document.body.append(control);
  let pendingPassage = null;

  function placeControl() {
    const selection = window.getSelection();
    const passage = selectedPassage();
    if (!passage) {
      control.hidden = true;
      return;
    }
    pendingPassage = passage;
    const rect = selection.getRangeAt(0).getBoundingClientRect();
    control.hidden = false;
    control.style.top = `${window.scrollY + rect.bottom + 8}px`;
    control.style.left = `${Math.max(8, window.scrollX + rect.left + rect.width / 2 - control.offsetWidth / 2)}px`;
  }

  document.addEventListener("selectionchange", () => window.requestAnimationFrame(placeControl));
  controlButton.addEventListener("mousedown", (event) => event.preventDefault());
  controlButton.addEventListener("click", () => annotateSelection());

  function annotateSelection() {
    const passage = selectedPassage() || pendingPassage;
    if (!passage) {
      announce("Select a passage first, then press a.");
      return;
    }
    if (!user) {
      window.location.href = context.login_url;
      return;
    }
    control.hidden = true;
    if (context.fix) {
      attachOrphan(context.fix, passage);
      return;
    }
    openForm({ passage });
  }

  // The form -----------------------------------------------------------------------------

  const dialog = document.getElementById("annotation-dialog");
  const form = dialog.querySelector("form");
  const noteField = form.elements.note;
  const tagsField = form.elements.tags;
  const visibilityField = form.elements.visibility;
  const quoteBox = dialog.querySelector(".annotation-form__quote");
  const errorBox = dialog.querySelector(".annotation-form__errors");
  const suggestions = dialog.querySelector(".tag-suggestions");
  let editing = null;
  let opened = null; // the form's values when it opened
  let formPassage = null;
  let returnFocus = null;

  function openForm({ passage = null, annotation = null }) {
    editing = annotation;
    formPassage = passage;
    returnFocus = document.activeElement;
    quoteBox.textContent = annotation ? annotation.quote : passage.quote;
    noteField.value = annotation ? annotation.note : "";
    tagsField.value = annotation ? annotation.tags.join(", ") : "";
    visibilityField.value = annotation ? annotation.visibility : context.default_visibility;
    opened = formValues();
    errorBox.replaceChildren();
    suggestions.replaceChildren();
    dialog.querySelector("h2").textContent = annotation ? "Edit annotation" : "New annotation";
    dialog.showModal();
    noteField.focus();
  }

  function closeForm() {
    dialog.close();
    suggestions.replaceChildren();
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  }

  function formValues() {
    return { note: noteField.value, tags: splitTags(tagsField.value), visibility: visibilityField.value };
  }

  /* A new annotation sends everything; an edit sends only what the reader changed since
   * opening the form, so that it cannot undo a change made elsewhere to another field
   * (made private in another tab, say). */
  function changedValues() {
    const now = formValues();
    if (!editing) return { ...now, ...formPassage };
    return Object.fromEntries(
      Object.entries(now).filter(([field, value]) => JSON.stringify(value) !== JSON.stringify(opened[field])),
    );
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = changedValues();
    const saved = editing
      ? await send("PATCH", `${context.api}/${editing.id}`, body, editing.version)
      : await send("POST", context.api, body);
    if (!saved.ok) {
      showErrors(saved.status === 412 ? await changedElsewhere(editing) : saved.errors);
      return;
    }
    annotations.set(saved.data.id, saved.data);
    saved.data.tags.forEach((tag) => knownTags.includes(tag) || knownTags.push(tag));
    window.getSelection().removeAllRanges();
    closeForm();
    renderAround(saved.data);
    announce(editing ? "Annotation saved." : "Annotation added.");
    focusAnnotation(saved.data.id, false);
  });

  form.querySelector("[data-action=cancel]").addEventListener("click", closeForm);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    closeForm();
  });

  function splitTags(value) {
    return value.split(",").map((tag) => tag.trim()).filter(Boolean);
  }

  function showErrors(errors) {
    errorBox.replaceChildren();
    for (const [field, messages] of Object.entries(errors)) {
      const item = document.createElement("p");
      item.textContent = field === "detail" || field === "non_field_errors"
        ? [].concat(messages).join(" ")
        : `${field}: ${[].concat(messages).join(" ")}`;
      errorBox.append(item);
    }
    errorBox.querySelector("p")?.setAttribute("tabindex", "-1");
    errorBox.querySelector("p")?.focus();
  }

  // Tag suggestions: the last tag being typed, completed from the tags in use.
  tagsField.addEventListener("input", suggestTags);
  tagsField.addEventListener("keydown", (event) => {
    const options = [...suggestions.querySelectorAll("button")];
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[0].focus();
    }
  });
  suggestions.addEventListener("keydown", (event) => {
    const options = [...suggestions.querySelectorAll("button")];
    const index = options.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && index < options.length - 1) {
      event.preventDefault();
      options[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (index > 0 ? options[index - 1] : tagsField).focus();
    }
  });

  function suggestTags() {
    const parts = tagsField.value.split(",");
    const typed = parts[parts.length - 1].trim().toLowerCase();
    const chosen = new Set(parts.slice(0, -1).map((t) => t.trim().toLowerCase()));
    suggestions.replaceChildren();
    if (!typed) return;
    knownTags
      .filter((tag) => tag.toLowerCase().startsWith(typed) && !chosen.has(tag.toLowerCase()))
      .slice(0, 8)
      .forEach((tag) => {
        const option = document.createElement("button");
        option.type = "button";
        option.className = "tag-suggestion";
        option.textContent = tag;
        option.addEventListener("click", () => {
          parts[parts.length - 1] = ` ${tag}`;
          tagsField.value = `${parts.join(",").replace(/^ /, "")}, `;
          suggestions.replaceChildren();
          tagsField.focus();
        });
        suggestions.append(option);
      });
  }

  // Talking to the API -------------------------------------------------------------------

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* version: the annotation's version this change is based on (sent as If-Match), so
   * that a change made meanwhile elsewhere is never silently undone. */
  async function send(method, url, body, version) {
    const headers = { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" };
    if (version !== undefined) headers["If-Match"] = `"${version}"`;
    let response;
    try {
      response = await fetch(url, {
        method,
        credentials: "same-origin",
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      return { ok: false, errors: { detail: "The server could not be reached. Nothing was saved." } };
    }
    if (response.status === 204) return { ok: true, data: null };
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = { detail: `The server answered ${response.status}.` };
    }
    return response.ok ? { ok: true, data } : { ok: false, status: response.status, errors: data };
  }

  /* Someone changed (or deleted) the annotation since it was loaded: show the current
   * version in the page, keep what the reader typed in the form, base the next save on the
   * current version, and say so. */
  async function changedElsewhere(annotation, action = "save") {
    const current = await send("GET", `${context.api}/${annotation.id}`);
    if (!current.ok) {
      annotations.delete(annotation.id);
      renderAround(annotation);
      return { detail: "This annotation was deleted elsewhere (in another tab or window). Nothing was saved." };
    }
    annotations.set(current.data.id, current.data);
    if (editing && editing.id === current.data.id) editing = current.data;
    renderAround(current.data);
    const next = action === "save"
      ? "Your text is still here: save again to replace the other version, or cancel to keep it."
      : "Here is the current version: delete it again if you still want it gone.";
    return {
      detail: `This annotation was changed elsewhere since you opened it, so nothing was ${action === "save" ? "saved" : "deleted"}. ${next}`,
    };
  }

  async function attachOrphan(id, passage) {
    const saved = await send("PATCH", `${context.api}/${id}`, passage, annotations.get(id)?.version);
    if (!saved.ok) {
      announce(Object.values(saved.errors).flat().join(" "));
      return;
    }
    annotations.set(saved.data.id, saved.data);
    context.fix = null;
    controlButton.textContent = "Annotate";
    document.querySelector(".fix-notice")?.remove();
    window.getSelection().removeAllRanges();
    renderAround(saved.data);
    announce("The annotation is attached to the new passage.");
    focusAnnotation(saved.data.id, false);
  }

  // The popover -------------------------------------------------------------------------

  const popover = document.createElement("div");
  popover.className = "annotation-popover";
  popover.hidden = true;
  popover.setAttribute("role", "dialog");
  popover.setAttribute("aria-label", "Annotations on this passage");
  document.body.append(popover);
  let popoverAnchor = null;

  function showPopover(anchor, ids) {
    popoverAnchor = anchor;
    popover.replaceChildren();
    ids.map((id) => annotations.get(id)).filter(Boolean).forEach((annotation) => {
      popover.append(annotationCard(annotation));
    });
    const close = document.createElement("button");
    close.type = "button";
    close.className = "annotation-popover__close";
    close.textContent = "Close";
    close.addEventListener("click", hidePopover);
    popover.append(close);
    const rect = anchor.getBoundingClientRect();
    popover.hidden = false;
    popover.style.top = `${window.scrollY + rect.bottom + 6}px`;
    popover.style.left = `${Math.max(8, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - popover.offsetWidth - 8))}px`;
    (popover.querySelector("button") || close).focus();
  }

  function hidePopover() {
    if (popover.hidden) return;
    popover.hidden = true;
    if (popoverAnchor && document.contains(popoverAnchor)) popoverAnchor.focus();
  }

  function annotationCard(annotation) {
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
    if (annotation.tags.length) {
      const tags = document.createElement("ul");
      tags.className = "tag-list";
      annotation.tag_links.forEach((tag) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = tag.url;
        link.textContent = tag.name;
        item.append(link);
        tags.append(item);
      });
      card.append(tags);
    }
    if (canEdit(annotation)) {
      const actions = document.createElement("p");
      actions.className = "annotation-card__actions";
      const edit = document.createElement("button");
      edit.type = "button";
      edit.textContent = "Edit";
      edit.addEventListener("click", () => {
        popover.hidden = true;
        openForm({ annotation });
      });
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Delete";
      remove.className = "danger";
      remove.addEventListener("click", () => deleteAnnotation(annotation));
      actions.append(edit, remove);
      card.append(actions);
    }
    return card;
  }

  /* The words of rendered HTML, without running or loading anything in it. */
  function plainText(html) {
    return new DOMParser().parseFromString(html, "text/html").body.textContent.trim();
  }

  function formatDate(iso) {
    return new Date(iso).toLocaleDateString(document.documentElement.lang || undefined, {
      day: "numeric", month: "short", year: "numeric",
    });
  }

  async function deleteAnnotation(annotation) {
    if (!window.confirm("Delete this annotation? This cannot be undone.")) return;
    const result = await send("DELETE", `${context.api}/${annotation.id}`, undefined, annotation.version);
    if (!result.ok) {
      const errors = result.status === 412 ? await changedElsewhere(annotation, "delete") : result.errors;
      popover.hidden = true;
      announce(Object.values(errors).flat().join(" "));
      return;
    }
    annotations.delete(annotation.id);
    popover.hidden = true;
    renderAround(annotation);
    announce("Annotation deleted.");
  }

  reader.addEventListener("click", (event) => {
    const highlight = event.target.closest(".hl");
    if (!highlight || !window.getSelection().isCollapsed) return;
    showPopover(highlight, highlight.dataset.ids.split(" ").map(Number));
  });
  reader.addEventListener("keydown", (event) => {
    const highlight = event.target.closest && event.target.closest(".hl");
    if (highlight && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      showPopover(highlight, highlight.dataset.ids.split(" ").map(Number));
    }
  });
  document.addEventListener("click", (event) => {
    if (!popover.hidden && !popover.contains(event.target) && !event.target.closest(".hl")) hidePopover();
  });

  // The side panel ----------------------------------------------------------------------

  const panel = document.getElementById("annotation-panel");
  const panelList = panel.querySelector(".annotation-panel__list");
  const panelCount = panel.querySelector(".annotation-panel__count");
  const panelFilter = panel.querySelector("select[name=tag]");

  function renderPanel() {
    const tags = [...new Set([...annotations.values()].flatMap((a) => a.tags))].sort((a, b) => a.localeCompare(b));
    const chosen = panelFilter.value;
    panelFilter.replaceChildren(new Option("All tags", ""), ...tags.map((tag) => new Option(tag, tag)));
    panelFilter.value = tags.includes(chosen) ? chosen : "";
    const shown = visibleAnnotations().sort(documentOrder);
    panelCount.textContent = `${shown.length}`;
    panelList.replaceChildren(...shown.map((annotation) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = annotation.orphaned ? context.orphans_url : `#annotation-${annotation.id}`;
      link.className = `annotation-panel__item${isMine(annotation) ? " is-mine" : ""}`;
      const quote = document.createElement("q");
      quote.textContent = annotation.quote.length > 140 ? `${annotation.quote.slice(0, 140)}…` : annotation.quote;
      link.append(quote);
      if (annotation.orphaned) {
        const flag = document.createElement("span");
        flag.className = "badge badge--warning";
        flag.textContent = "orphaned";
        link.append(flag);
      }
      const note = document.createElement("span");
      note.className = "annotation-panel__note";
      const plain = plainText(annotation.note_html);
      note.textContent = plain.length > 120 ? `${plain.slice(0, 120)}…` : plain;
      const meta = document.createElement("span");
      meta.className = "annotation-panel__meta";
      meta.textContent = [annotation.user, ...annotation.tags.map((t) => `#${t}`)].join(" · ");
      link.append(note, meta);
      if (!annotation.orphaned) {
        link.addEventListener("click", (event) => {
          event.preventDefault();
          focusAnnotation(annotation.id, true);
        });
      }
      item.append(link);
      return item;
    }));
    if (!shown.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = user ? "No annotations yet. Select a passage to add one." : "No shared annotations here.";
      panelList.append(empty);
    }
  }

  panelFilter.addEventListener("change", renderAll);
  panel.querySelector(".annotation-panel__toggle")?.addEventListener("click", (event) => {
    const open = panel.classList.toggle("is-open");
    event.currentTarget.setAttribute("aria-expanded", String(open));
  });

  // Moving between annotations ---------------------------------------------------------

  function focusAnnotation(id, open) {
    const highlight = document.getElementById(`annotation-${id}`);
    if (!highlight) return;
    highlight.scrollIntoView({ block: "center", behavior: "smooth" });
    highlight.focus({ preventScroll: true });
    if (open) showPopover(highlight, highlight.dataset.ids.split(" ").map(Number));
  }

  function step(direction) {
    const ordered = visibleAnnotations().filter((a) => !a.orphaned && document.getElementById(`annotation-${a.id}`)).sort(documentOrder);
    if (!ordered.length) {
      announce("There are no annotations to move between.");
      return;
    }
    const current = document.activeElement?.closest?.(".hl");
    const currentId = current ? Number(current.id.replace("annotation-", "")) : null;
    let index = ordered.findIndex((a) => a.id === currentId);
    if (index === -1) {
      const middle = window.scrollY + window.innerHeight / 2;
      index = direction > 0
        ? ordered.findIndex((a) => document.getElementById(`annotation-${a.id}`).getBoundingClientRect().top + window.scrollY > middle) - 1
        : ordered.findIndex((a) => document.getElementById(`annotation-${a.id}`).getBoundingClientRect().top + window.scrollY >= middle);
      if (index < -1) index = direction > 0 ? -1 : ordered.length;
    }
    const next = ordered[(index + direction + ordered.length) % ordered.length];
    focusAnnotation(next.id, false);
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      hidePopover();
      control.hidden = true;
      return;
    }
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], dialog")) return;
    if (event.key === "a") {
      event.preventDefault();
      annotateSelection();
    } else if (event.key === "j" || event.key === "n") {
      event.preventDefault();
      step(1);
    } else if (event.key === "k" || event.key === "p") {
      event.preventDefault();
      step(-1);
    } else if (event.key === "?") {
      event.preventDefault();
      document.getElementById("reader-shortcuts")?.toggleAttribute("open");
    }
  });

  const live = document.getElementById("reader-status");
  function announce(message) {
    live.textContent = "";
    window.setTimeout(() => {
      live.textContent = message;
    }, 30);
  }

  renderAll();
  if (context.focus) focusAnnotation(context.focus, true);
})();
