"""Notes are Markdown, shown as HTML that nothing in a note can turn against a reader."""

import nh3
from markdown_it import MarkdownIt

# CommonMark with raw HTML off (it is shown as text); nh3 then strips anything unsafe
# that Markdown itself can produce, such as a javascript: link.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(
    ["strikethrough", "table"]
)
_URL_SCHEMES = {"http", "https", "mailto"}


def render_note(markdown: str) -> str:
    if not markdown.strip():
        return ""
    html = _MARKDOWN.render(markdown)
    return nh3.clean(html, url_schemes=_URL_SCHEMES, link_rel="nofollow noopener noreferrer")
