"""Markdown for the commonplace book, in which nothing a note says can change the book.

The book's own parts (headings, each excerpt's blockquote with its citation inside) are
built here as markdown-it tokens and written out by mdformat, whose renderer escapes
text so that it reads back as the same text. A note is parsed as the app renders it
(CommonMark, raw HTML shown as text) and written back contained: paragraphs, lists,
code and inline formatting survive; headings become paragraphs, blockquotes and rules
go, images become links, and a link survives only to http, https or mailto. So a note
cannot forge a heading, a blockquote or a citation, nor carry a `javascript:` link or a
remote image into someone's book.

A book is also read by Pandoc, whose Markdown does more than CommonMark with a few more
characters: `{=html}` after code makes it raw HTML, `^[...]` a footnote, `$...$` math,
`@key` a citation, `|` a table or a line block, `:` at a line's start a definition or a
fenced div. Text escapes those too (a backslash before punctuation is plain punctuation
in both), and a code block keeps a plain language name alone. Plain Python: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdformat.renderer import MDRenderer

# As annotations/notes.py parses notes, less the GitHub extensions (their markup then
# stays text) and with raw HTML off, so that markup in a note arrives here as text.
_NOTES = MarkdownIt("commonmark", {"html": False})
# Pandoc's own markup in text (see above), and a colon that starts a line. And a tilde:
# mdformat escapes every backtick in text but no tilde, so a line of text starting `~~~`
# opened a code fence that swallowed the book.
_UNESCAPED = re.compile(r"[@$^~{}|]")
_LINE_START_COLON = re.compile(r"^([ \t]*):", re.MULTILINE)
# Pandoc's smart punctuation turns straight quotes curly, -- and --- into dashes and ...
# into an ellipsis. In running text that is typesetting; in a heading, which names an
# article or a tag, it would change the name, so there they are escaped too.
_SMART = re.compile(r"""["']|-(?=-)|(?<=-)-|\.(?=\.)|(?<=\.)\.""")
_LANGUAGE = re.compile(r"[\w+#.-]{1,40}")
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LINKABLE = re.compile(r"(?:https?|mailto):", re.IGNORECASE)
# Structure that belongs to the book alone: a note loses it and keeps what it holds.
_STRUCTURE = {"blockquote_open", "blockquote_close", "hr"}


def render(tokens: list[Token]) -> str:
    """Markdown for block tokens, blocks separated by a blank line, ending in a newline."""
    return MDRenderer().render(tokens, {"parser_extension": [_EscapeMore]}, {})


class _EscapeMore:
    """An mdformat plugin escaping in text what mdformat, which writes CommonMark, leaves
    as it is (see _UNESCAPED)."""

    RENDERERS: dict = {}
    POSTPROCESSORS = {
        "text": lambda text, node, context: _escape_text(text, node),
        "paragraph": lambda text, node, context: _LINE_START_COLON.sub(r"\1\\:", text),
    }


def _escape_text(text: str, node) -> str:
    text = _UNESCAPED.sub(r"\\\g<0>", text)
    if _inside(node, "heading"):
        text = _SMART.sub(r"\\\g<0>", text)
    return text


def _inside(node, node_type: str) -> bool:
    while (node := node.parent) is not None:
        if node.type == node_type:
            return True
    return False


def heading(text: str, level: int) -> list[Token]:
    marks = "#" * level
    return [
        Token("heading_open", f"h{level}", 1, markup=marks, block=True),
        _inline([_text(" ".join(text.split()))]),
        Token("heading_close", f"h{level}", -1, markup=marks, block=True),
    ]


def paragraph(text: str, *, emphasis: bool = False) -> list[Token]:
    children = [_text(text)]
    if emphasis:
        children = [Token("em_open", "em", 1, markup="_"), *children, Token("em_close", "em", -1)]
    return [
        Token("paragraph_open", "p", 1, block=True),
        _inline(children),
        Token("paragraph_close", "p", -1, block=True),
    ]


# What an address may keep as it is in a Markdown link: the characters a URL may hold
# unencoded, less those that end a link's destination or title (<, >, spaces, quotes,
# parentheses) and a backslash.
_ADDRESS_SAFE = "!#$%&*+,-./:;=?@[]_~"


def link_address(url: str) -> str:
    """The address percent-encoded where Markdown would read it as more than an address
    (an original URL holding `>` closed the link and let HTML through)."""
    return quote(url, safe=_ADDRESS_SAFE)


def linked_paragraph(parts: Iterable[str | tuple[str, str]], separator: str) -> list[Token]:
    """A paragraph of texts and links, (label, address), with a separator between them."""
    children: list[Token] = []
    for part in parts:
        if children:
            children.append(_text(separator))
        if isinstance(part, str):
            children.append(_text(part))
            continue
        label, address = part
        children += [
            Token("link_open", "a", 1, attrs={"href": link_address(address)}),
            _text(label),
            Token("link_close", "a", -1),
        ]
    return [
        Token("paragraph_open", "p", 1, block=True),
        _inline(children),
        Token("paragraph_close", "p", -1, block=True),
    ]


_EMPHASIS = {"i": ("em", "*"), "b": ("strong", "**")}


def styled_paragraph(runs: Iterable) -> list[Token]:
    """A paragraph of runs of text (archive.styles.Run), italic and bold kept."""
    children: list[Token] = []
    for run in runs:
        shapes = [shape for shape in ("b", "i") if shape in run.shapes]
        for shape in shapes:
            tag, markup = _EMPHASIS[shape]
            children.append(Token(f"{tag}_open", tag, 1, markup=markup))
        children.append(_text(run.text))
        for shape in reversed(shapes):
            tag, markup = _EMPHASIS[shape]
            children.append(Token(f"{tag}_close", tag, -1, markup=markup))
    return [
        Token("paragraph_open", "p", 1, block=True),
        _inline(children),
        Token("paragraph_close", "p", -1, block=True),
    ]


def blockquote(paragraphs: Iterable[str], *, then: Iterable[Token] = ()) -> list[Token]:
    """The paragraphs quoted, and (`then`) blocks of the book's own inside the quote after
    them, where no note can forge them."""
    inside = [token for text in paragraphs if text.strip() for token in paragraph(text)]
    inside += list(then)
    return [
        Token("blockquote_open", "blockquote", 1, markup=">", block=True),
        *inside,
        Token("blockquote_close", "blockquote", -1, markup=">", block=True),
    ]


def contained_note(markdown: str) -> list[Token]:
    """The note's blocks, with everything that could change the book's structure gone."""
    tokens = []
    for token in _NOTES.parse(markdown):
        if token.type in _STRUCTURE:
            continue
        if token.type in ("heading_open", "heading_close"):
            token.type = token.type.replace("heading", "paragraph")
            token.tag, token.markup = "p", ""
        elif token.type == "inline":
            token.children = _contained_inline(token.children or [])
        elif token.type in ("fence", "code_block"):
            _contain_code(token)
        tokens.append(token)
    if _forges_structure(tokens):
        # mdformat writes some contained lists back as structure (empty items nested
        # three deep come out as `- - -`, a rule): then the note is its words alone.
        return paragraph(" ".join(markdown.split()))
    return tokens


def _forges_structure(tokens: list[Token]) -> bool:
    written = _NOTES.parse(render(tokens))
    return any(t.type in _STRUCTURE or t.type == "heading_open" for t in written)


def _contain_code(token: Token) -> None:
    # A language name, or nothing: Pandoc takes ```{=html} for raw HTML to pass through.
    language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
    token.info = language if _LANGUAGE.fullmatch(language) else ""
    if not token.content.endswith("\n"):
        # A fence left open at the note's end: mdformat would close it on the code's
        # last line, where it closes nothing, and the rest of the book became code.
        token.content += "\n"


def _contained_inline(children: list[Token]) -> list[Token]:
    kept: list[Token] = []
    links: list[bool] = []  # for each link we are inside: whether it is kept
    for token in children:
        if token.type == "text":
            token.content = _plain(token.content)
        elif token.type == "softbreak":
            # The app shows a note's line breaks (markdown-it's `breaks`): keep them.
            token.type, token.tag = "hardbreak", "br"
        elif token.type == "link_open":
            links.append(_linkable(token.attrGet("href")))
            if not links[-1]:
                continue
            token.attrs = {"href": token.attrs["href"]}  # titles go: they only hide text
        elif token.type == "link_close" and not links.pop():
            continue
        elif token.type == "image":
            kept += _image_as_link(token, inside_link=any(links))
            continue
        kept.append(token)
    return kept


def _image_as_link(image: Token, *, inside_link: bool) -> list[Token]:
    """A link to the image instead of the image itself, which a reader would fetch."""
    source = image.attrGet("src")
    label = _text(image.content or str(source or ""))
    if inside_link or not _linkable(source):
        return [label]
    return [Token("link_open", "a", 1, attrs={"href": source}), label, Token("link_close", "a", -1)]


def _linkable(url) -> bool:
    return isinstance(url, str) and bool(_LINKABLE.match(url))


def _inline(children: list[Token]) -> Token:
    return Token("inline", "", 0, children=children)


def _text(text: str) -> Token:
    return Token("text", "", 0, content=_plain(text))


def _plain(text: str) -> str:
    """Text with one kind of line break: mdformat escapes what starts a line after a
    "\\n", but quotes a block line by line with str.splitlines, which also breaks at CR,
    U+2028 and others, so that "a\\u2028# b" became a heading inside a blockquote. And no
    NUL, which mdformat uses as a marker while it renders (and which is no text anyway)."""
    return _LINE_BREAKS.sub("\n", text).replace("\x00", "\ufffd")
