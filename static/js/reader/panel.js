/* The side panel: every annotation shown, in document order, filtered by tag; each one
 * leads to its highlight (orphans to the page that lists them). */

export class Panel {
  constructor(reader, element) {
    this.reader = reader;
    this.list = element.querySelector(".annotation-panel__list");
    this.count = element.querySelector(".annotation-panel__count");
    this.filter = element.querySelector("select[name=tag]");
    this.filter.addEventListener("change", () => {
      reader.annotations.tag = this.filter.value;
      reader.redrawAll();
    });
    element.querySelector(".annotation-panel__toggle")?.addEventListener("click", (event) => {
      const open = element.classList.toggle("is-open");
      event.currentTarget.setAttribute("aria-expanded", String(open));
    });
  }

  render() {
    const { annotations } = this.reader;
    const tags = annotations.tagsInUse();
    const chosen = tags.includes(annotations.tag) ? annotations.tag : "";
    this.filter.replaceChildren(new Option("All tags", ""), ...tags.map((tag) => new Option(tag, tag)));
    this.filter.value = annotations.tag = chosen;
    const shown = annotations.shown();
    this.count.textContent = `${shown.length}`;
    this.list.replaceChildren(...shown.map((annotation) => this.item(annotation)));
    if (!shown.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = this.reader.data.may_annotate
        ? "No annotations yet. Select a passage to add one."
        : "No shared annotations here.";
      this.list.append(empty);
    }
  }

  item(annotation) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = annotation.orphaned ? this.reader.data.orphans_url : `#annotation-${annotation.id}`;
    link.className = `annotation-panel__item${annotation.mine ? " is-mine" : ""}`;
    const quote = document.createElement("q");
    quote.textContent = shorten(annotation.quote, 140);
    link.append(quote);
    if (annotation.orphaned) {
      const flag = document.createElement("span");
      flag.className = "badge badge--warning";
      flag.textContent = "orphaned";
      link.append(flag);
    }
    const note = document.createElement("span");
    note.className = "annotation-panel__note";
    note.textContent = shorten(plainText(annotation.note_html), 120);
    const meta = document.createElement("span");
    meta.className = "annotation-panel__meta";
    meta.textContent = [annotation.user, ...annotation.tags.map((tag) => `#${tag}`)].join(" · ");
    link.append(note, meta);
    if (!annotation.orphaned) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.reader.navigator.focus(annotation.id, true);
      });
    }
    item.append(link);
    return item;
  }
}

function shorten(text, length) {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

/* The words of rendered HTML, without running or loading anything in it. */
function plainText(html) {
  return new DOMParser().parseFromString(html, "text/html").body.textContent.trim();
}
