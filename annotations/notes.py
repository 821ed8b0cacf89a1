"""Notes are Markdown, shown as HTML that nothing in a note can turn against a reader."""

import html
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

# CommonMark with raw HTML off (it is shown as text) and bare URLs made links (linkify,
# through linkify-it-py); nh3 then strips anything unsafe that Markdown itself can
# produce, such as a javascript: link.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True}).enable(
    ["strikethrough", "table", "linkify"]
)
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# An image in a shared note would be fetched by every reader's browser: a tracking pixel.
_TAGS = nh3.ALLOWED_TAGS - {"img"}


def _image_as_link(renderer, tokens, idx, options, env) -> str:
    """`![alt](url)` becomes a link to the image, named by its alt text or its address."""
    token = tokens[idx]
    url = str(token.attrGet("src") or "")
    text = escapeHtml(renderer.renderInlineAsText(token.children or [], options, env) or url)
    if _inside_link(tokens, idx):
        return text  # a link cannot hold another
    return f'<a href="{escapeHtml(url)}">{text}</a>'


def _inside_link(tokens, idx: int) -> bool:
    depth = 0
    for token in tokens[:idx]:
        depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
    return depth > 0


_MARKDOWN.add_render_rule("image", _image_as_link)


def parse_note(markdown: str) -> list:
    """The note's markdown-it block tokens, in the dialect render_note shows, for formats
    that build their own document from it (Word). Like render_note's, they hold no raw
    HTML; keeping only linkable links (LINK_SCHEMES) is the format's to do, as nh3 does here."""
    return _MARKDOWN.parse(markdown)


def render_note(markdown: str) -> str:
    if not markdown.strip():
        return ""
    html = _MARKDOWN.render(markdown)
    # A link opens in a new tab, so that following one never leaves the reader's place;
    # rel="noopener" keeps the page it opens from reaching back into the reader.
    return nh3.clean(
        html,
        tags=_TAGS,
        url_schemes=set(LINK_SCHEMES),
        link_rel="nofollow noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )


_SPACES = re.compile(r"\s+")


def note_as_text(markdown: str) -> str:
    """The words a reader sees of a note, without its Markdown, as plain (unescaped)
    text on one line: for snippets, which escape and mark it themselves."""
    words = nh3.clean(render_note(markdown), tags=set())
    return _SPACES.sub(" ", html.unescape(words)).strip()
