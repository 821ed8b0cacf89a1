/* Commonplace reader: select a passage, annotate and tag it, see highlights at once.
 *
 * The server embeds what the page needs as JSON (#reader-context, built by
 * commonplace/reader.py): the annotations the reader may see, each saying whether they may
 * change it; the paragraphs in reading order and what joins them in a quote; whether the
 * reader may annotate; and the URLs to use. The rules stay the server's.
 *
 * Text from the server is only ever inserted with textContent, except note_html, which
 * the server has rendered from Markdown and sanitised.
 */

import { attach } from "./actions.js";
import { Annotations } from "./annotations.js";
import { AnnotationApi } from "./api.js";
import { CitePanel } from "./cite.js";
import { AnnotateControl } from "./control.js";
import { AnnotationForm } from "./form.js";
import { Highlights, readParagraphs } from "./highlight.js";
import { listenForKeys, Navigator } from "./keys.js";
import { Panel } from "./panel.js";
import { ParagraphKeys } from "./paragraphs.js";
import { ArticleText } from "./passages.js";
import { Popover } from "./popover.js";

function start() {
  // First, and apart: citing needs nothing of what annotating reads.
  const cite = document.getElementById("cite");
  if (cite) new CitePanel(cite);
  const dataElement = document.getElementById("reader-context");
  const root = document.querySelector(".reader");
  if (!dataElement || !root) return;
  const data = JSON.parse(dataElement.textContent);
  const paragraphs = readParagraphs(root);
  const texts = new Map([...paragraphs].map(([id, paragraph]) => [id, paragraph.text]));
  const article = new ArticleText(data.paragraphs, texts, data.paragraph_joiner);

  // What every part of the page shares; each part reaches the others through it.
  const reader = {
    data,
    root,
    article,
    annotations: new Annotations(data.annotations, article),
    api: new AnnotationApi(data.api),
    announce: announcer(document.getElementById("reader-status")),
    /** Say something to everyone: shown for a while, and announced. */
    say: (message) => {
      reader.announce(message);
      showNotice(document.getElementById("reader-notice"), message);
    },
    attach: (id, passage) => attach(reader, id, passage),
    /** Show an annotation's change: its paragraphs and the panel. */
    redraw(annotation) {
      const tag = reader.annotations.tag;
      reader.panel.render();
      // The panel forgets a tag no annotation carries any more: then all is shown again.
      if (reader.annotations.tag !== tag) reader.highlights.renderAll();
      else reader.highlights.renderAround(annotation);
    },
    redrawAll() {
      reader.panel.render();
      reader.highlights.renderAll();
    },
  };
  reader.highlights = new Highlights(reader, paragraphs);
  reader.panel = new Panel(reader, document.getElementById("annotation-panel"));
  reader.popover = new Popover(reader);
  reader.form = new AnnotationForm(reader, document.getElementById("annotation-dialog"));
  reader.control = new AnnotateControl(reader, paragraphs);
  reader.navigator = new Navigator(reader);
  reader.paragraphKeys = new ParagraphKeys(reader, paragraphs);
  listenForKeys(reader);

  reader.redrawAll();
  if (data.focus) reader.navigator.focus(data.focus, true);
  reader.form.restoreDraft();
}

/* Say something to screen readers, through the page's live region. */
function announcer(live) {
  return (message) => {
    live.textContent = "";
    window.setTimeout(() => {
      live.textContent = message;
    }, 30);
  };
}

/* A short message on screen, for those who do not use a screen reader. */
function showNotice(element, message) {
  element.textContent = message;
  element.hidden = false;
  window.clearTimeout(element.hideTimer);
  element.hideTimer = window.setTimeout(() => {
    element.hidden = true;
  }, 5000);
}

start();
