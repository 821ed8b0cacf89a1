/* The Cite panel's Copy buttons. The server wrote every reference (and the panel works
 * without this: it opens, its text can be selected, its downloads are links); this copies
 * what the page shows: a reference as plain text and, where the browser lets a page write
 * HTML to the clipboard, as HTML too, so that its italics survive a paste into a word
 * processor. Where the clipboard cannot be written (an insecure origin, a refusal), the
 * text is selected for the reader to copy with their keyboard. */

const FEEDBACK_MS = 2000;

/**
 * Put text on the clipboard, with its HTML as well when given and allowed.
 * @param {{text: string, html?: string}} content
 * @param {{clipboard?: Clipboard, ClipboardItem?: Function, Blob?: Function}} [platform] for tests
 * @returns {Promise<boolean>} whether the clipboard holds it
 */
export async function copyToClipboard(
  { text, html },
  {
    clipboard = globalThis.navigator?.clipboard,
    ClipboardItem = globalThis.ClipboardItem,
    Blob = globalThis.Blob,
  } = {},
) {
  if (!clipboard) return false;
  if (html && ClipboardItem && clipboard.write) {
    try {
      const item = new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([html], { type: "text/html" }),
      });
      await clipboard.write([item]);
      return true;
    } catch {
      // Some browsers write plain text only: try that.
    }
  }
  if (!clipboard.writeText) return false;
  try {
    await clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export class CitePanel {
  /** @param {HTMLDetailsElement} element the panel (templates/commonplace/_cite.html) */
  constructor(element) {
    this.element = element;
    this.status = element.querySelector(".cite__status");
    for (const button of element.querySelectorAll("button[data-copy]")) {
      button.hidden = false;
      button.addEventListener("click", () => this.copy(button));
    }
    // Escape closes the panel and gives the focus back to its toggle.
    element.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !element.open) return;
      element.open = false;
      element.querySelector("summary").focus();
    });
  }

  async copy(button) {
    const source = document.getElementById(button.dataset.copy);
    const what = button.querySelector(".visually-hidden").textContent.trim();
    const content = { text: source.textContent };
    if (button.hasAttribute("data-copy-html")) content.html = source.innerHTML;
    if (await copyToClipboard(content)) {
      this.confirm(button, `${what}: copied.`);
    } else {
      selectContents(source);
      this.say(`${what}: selected. Press Ctrl+C (⌘C on a Mac) to copy it.`);
    }
  }

  /** "Copied" on the button for a moment, and said to everyone through the live region. */
  confirm(button, message) {
    const label = button.querySelector(".cite__copy-label");
    label.textContent = "Copied";
    button.classList.add("is-done");
    window.clearTimeout(button.resetTimer);
    button.resetTimer = window.setTimeout(() => {
      label.textContent = "Copy";
      button.classList.remove("is-done");
    }, FEEDBACK_MS);
    this.say(message);
  }

  say(message) {
    // Emptied first, so that the same message twice is announced twice.
    this.status.textContent = "";
    window.setTimeout(() => {
      this.status.textContent = message;
    }, 30);
  }
}

function selectContents(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
