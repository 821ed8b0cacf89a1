"""Saved web pages (.html, .htm): one page, one article, found by trafilatura.

Finding the article in a page (leaving out navigation, adverts, related links and the
comments) and reading its metadata (title, byline, date, site name, description,
canonical address) is trafilatura's work: a maintained extractor does it better than
scraping of our own. This module turns what it gives into the parser's ParsedArticle:
an <h2> or <h3> opens a section, numbered as "1. The Bus" is in the plain-text format;
every paragraph is plain text, whatever markup the page held.

HTML has no lines to stream, so a page is parsed whole: the size cap, checked before a
byte is read, is what keeps memory flat. A page is read once, when it is opened.
"""

from __future__ import annotations

import codecs
import copy
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import trafilatura

from archive import citekeys, parsing
from archive.parsing import ParsedArticle, ParsedParagraph, ParsedSection, ParseError
from archive.readers.base import Progress, Reading
from archive.readers.encoding import CP1252_WARNING, refuse_binary, undecodable

if TYPE_CHECKING:
    from lxml.etree import _Element
    from trafilatura.settings import Document

MAX_PAGE_BYTES = 20_000_000
# Article.author and Article.publication are this long at most.
MAX_NAME_CHARS = 255

# UTF-16 pages come from some browsers' "Save as"; their NUL bytes are text.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The HTML standard looks for a declared charset this far into the page, no further.
_PRESCAN_BYTES = 1024
_DECLARED_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([-\w.:+]+)", re.IGNORECASE)
# Browsers read these labels as Windows-1252 (a page "in Latin-1" holds curly quotes).
_WINDOWS_1252 = frozenset({"iso8859-1", "ascii", "cp1252"})

_SECTION_HEADINGS = frozenset({"h2", "h3"})
# trafilatura's blocks; a list's items and a quotation's paragraphs are paragraphs each.
_BLOCKS = frozenset({"p", "head", "list", "item", "quote", "table", "code"})
_CONTAINERS = frozenset({"list", "quote"})
# A comment in a comment section, by the class most sites give it (WordPress's
# li.comment): counted only to say how many were left out.
_COMMENT = "//*[contains(concat(' ', normalize-space(@class), ' '), ' comment ')]"
_TRAILING_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)$")


class HtmlReader:
    name = "html"
    description = (
        "Saved web pages: the article is taken from the page; navigation, "
        "adverts and comments are left out."
    )
    extensions = (".html", ".htm")

    def open(self, path: Path) -> Reading:
        data = _read_capped(path)
        text, warnings = decode_page(data)
        # A page without a character of text is an empty file, skipped as one.
        article = read_page(text, path.stem) if text.strip() else None
        size = len(data)  # the page itself is not kept: only its article

        def articles(progress: Progress | None = None) -> Iterator[ParsedArticle]:
            if article is not None:
                yield copy.deepcopy(article)
            if progress:
                progress(size)

        return Reading(articles, warnings)


def _read_capped(path: Path) -> bytes:
    limit = f"larger than {MAX_PAGE_BYTES // 1_000_000} MB, the most a saved page may be"
    if path.stat().st_size > MAX_PAGE_BYTES:
        raise ParseError(limit)
    with open(path, "rb") as stream:
        data = stream.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:  # it grew after the check
        raise ParseError(limit)
    return data


def decode_page(data: bytes) -> tuple[str, list[str]]:
    """The page's text, and what had to be guessed. By its byte-order mark, else by the
    charset it declares, else UTF-8, else Windows-1252 with a warning (as for text)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), []
            except UnicodeDecodeError as error:
                raise ParseError(f"not valid {codec} (byte {error.start})") from None
    refuse_binary(data)
    warnings = []
    declared = _declared_codec(data[:_PRESCAN_BYTES])
    if declared:
        try:
            return data.decode(declared), []
        except UnicodeDecodeError:
            warnings.append(f"the page says it is {declared}, but it is not")
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), [*warnings, CP1252_WARNING]
    except UnicodeDecodeError as error:
        raise undecodable(error.start) from None


def _declared_codec(head: bytes) -> str | None:
    """The codec of the charset a <meta> declares, as browsers read it; None if none or
    unknown (the bytes then decide)."""
    match = _DECLARED_CHARSET.search(head)
    if not match:
        return None
    try:
        codec = codecs.lookup(match[1].decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if codec in _WINDOWS_1252:
        return "cp1252"
    # A page that reached us as bytes without NULs and says UTF-16 was saved as UTF-8.
    return "utf-8" if codec.startswith(("utf-16", "utf-32")) else codec


def read_page(text: str, fallback_title: str = "") -> ParsedArticle:
    """The article in a page's HTML; ParseError if the page holds no article text."""
    tree = trafilatura.load_html(text)
    document = None
    if tree is not None:
        try:
            document = trafilatura.bare_extraction(
                tree,
                with_metadata=True,
                # Comments are read only to be left out: the note says how many.
                include_comments=True,
                # Tables are kept only to be noted: their cells are no paragraphs.
                include_tables=True,
                # Only dates the page states: a wider search takes the copyright year
                # in the footer for the day of publication.
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
        except Exception as error:  # an extractor's bug must fail this file, not the ingest
            raise ParseError(f"the page could not be read ({type(error).__name__})") from None
    if document is None or document.body is None:
        raise ParseError("no article text found in the page")
    article = _article(document, fallback_title)
    if not article.paragraphs:
        raise ParseError("no article text found in the page")
    if document.comments:
        count = len(tree.xpath(_COMMENT))
        article.dropped.append(f"comments ({count})" if count else "comments")
    return article


def _article(document: Document, fallback_title: str) -> ParsedArticle:
    title, publication = _plain(document.title), _plain(document.sitename)
    article = ParsedArticle(
        title=title or fallback_title,
        author=_author(document.author, publication),
        publication=publication,
        issue_date=_date(document.date),
        original_url=parsing.parse_original_url(_plain(document.url)) or "",
    )
    if not title:
        article.warnings.append("the page has no title: it is named after its file")
    for name, limit in (("author", MAX_NAME_CHARS), ("publication", MAX_NAME_CHARS)):
        if len(getattr(article, name)) > limit:
            article.warnings.append(f"the {name} is over {limit} characters long: left out")
            setattr(article, name, "")
    description = _plain(document.description)
    _build_body(article, _blocks(document.body), "" if description == title else description)
    return article


def _build_body(
    article: ParsedArticle, blocks: Iterator[tuple[str, str]], description: str
) -> None:
    """Sections and paragraphs from the extracted blocks, and the standfirst: the page's
    description, unless the article opens with it (then that paragraph is the
    standfirst) or merely with its words (an excerpt is no standfirst)."""
    article.standfirst = description
    section: ParsedSection | None = None
    numbered = 0
    opened = False  # a paragraph has been read
    for kind, text in blocks:
        if kind == "dropped":
            article.dropped.append(text)
            continue
        if not text:
            continue
        if not opened and kind.startswith("h") and text in (article.title, description):
            continue  # the page's own heading and standfirst, repeated in the article
        if kind in _SECTION_HEADINGS:
            numbered += 1
            section = ParsedSection(number=numbered, title=text)
            article.sections.append(section)
            continue
        if not opened and description and section is None:
            if text == description:
                opened = True
                continue
            if text.startswith(_TRAILING_ELLIPSIS.sub("", description)):
                article.standfirst = ""
        opened = True
        if section is None:
            section = ParsedSection(number=None, title=None)
            article.sections.append(section)
        section.paragraphs.append(ParsedParagraph(text=text))


def _blocks(parent: _Element) -> Iterator[tuple[str, str]]:
    """The extracted body's blocks in reading order, as (kind, text): "h2" (a heading's
    level) for a heading, "p" for any paragraph, "dropped" with a note for a table."""
    for block in parent:
        if block.tag == "table":
            rows = len(block.findall(".//row"))
            yield "dropped", f"a table ({rows} row{'' if rows == 1 else 's'})"
        elif block.tag in _CONTAINERS and any(child.tag in _BLOCKS for child in block):
            if _plain(block.text):  # words before its first block
                yield "p", _plain(block.text)
            yield from _blocks(block)
        elif block.tag == "head":
            yield block.get("rend", "h"), _text(block)
        else:
            yield "p", _text(block)


def _text(element: _Element) -> str:
    """An element's words, one space between them: markup gone; a line break, and the
    edges of a block inside it (a list in a list's item), a space."""
    for inner in element.iter("lb", *_BLOCKS):
        if inner is not element:
            inner.text, inner.tail = f" {inner.text or ''}", f" {inner.tail or ''}"
    return _plain("".join(element.itertext()))


def _plain(text: str | None) -> str:
    return " ".join((text or "").split())


def _author(byline: str | None, publication: str) -> str:
    """'Jane Roe; Political Editor' (a byline as trafilatura gives it, 'By ' already
    gone) -> 'Jane Roe': the names, joined as the archive joins them, without a role or
    the publication's name."""
    names = [name for name in citekeys.split_authors(_plain(byline)) if name != publication]
    # trafilatura writes the comma of a sorted name as a separator: 'Roe, Jane' -> 'Roe; Jane'.
    if len(names) == 2 and all(" " not in name for name in names):
        names = [", ".join(names)]
    return " and ".join(names)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None
