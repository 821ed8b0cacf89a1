/* Moving between annotations (j/k, the panel's links) and the reader's keyboard shortcuts. */

export class Navigator {
  constructor(reader) {
    this.reader = reader;
  }

  /** Scroll to an annotation's highlight and focus it; open its popover if asked. */
  focus(id, open) {
    const highlight = anchorOf(id);
    if (!highlight) return;
    // Its note card is placed by where the highlight is: when one opens, the scroll must
    // be over first (a smooth one had the card placed by where the highlight had been).
    highlight.scrollIntoView({ block: "center", behavior: open ? "instant" : "smooth" });
    highlight.focus({ preventScroll: true });
    if (open) this.reader.popover.show(highlight);
  }

  /** To the next (1) or previous (-1) highlight in document order, from the one in focus,
   * else from the middle of the window; round from the last to the first. */
  step(direction) {
    const ordered = this.reader.annotations.shown().filter((a) => !a.orphaned && anchorOf(a.id));
    if (!ordered.length) {
      this.reader.announce("There are no annotations to move between.");
      return;
    }
    const current = document.activeElement?.closest?.(".hl");
    const currentId = current ? Number(current.id.replace("annotation-", "")) : null;
    let index = ordered.findIndex((a) => a.id === currentId);
    if (index === -1) {
      const middle = window.scrollY + window.innerHeight / 2;
      const top = (a) => anchorOf(a.id).getBoundingClientRect().top + window.scrollY;
      index = direction > 0
        ? ordered.findIndex((a) => top(a) > middle) - 1
        : ordered.findIndex((a) => top(a) >= middle);
      if (index < -1) index = direction > 0 ? -1 : ordered.length;
    }
    const next = ordered[(index + direction + ordered.length) % ordered.length];
    this.focus(next.id, false);
  }
}

function anchorOf(id) {
  return document.getElementById(`annotation-${id}`);
}

const TYPING = "input, textarea, select, [contenteditable], dialog";

export function listenForKeys(reader) {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      reader.popover.hide();
      reader.control.hide();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest?.(TYPING)) return;
    if (reader.paragraphKeys.handle(event)) {
      event.preventDefault();
      return;
    }
    const action = {
      a: () => reader.control.annotate({ fromKey: true }),
      j: () => reader.navigator.step(1),
      n: () => reader.navigator.step(1),
      k: () => reader.navigator.step(-1),
      p: () => reader.navigator.step(-1),
      "?": () => document.getElementById("reader-shortcuts")?.toggleAttribute("open"),
    }[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}
