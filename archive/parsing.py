"""Read clipped magazine articles from plain text: text in, articles out.

The format is what a clipping service or a copy from a magazine's website gives: several
articles in one file, each a title line, a standfirst line, body paragraphs (one per line)
with optional numbered section headings, perhaps a closing author bio, and a footer line
("This article first appeared in the 17 May 2010 issue of the New Statesman, On a
tightrope"). Photo credits and "Show Hide image" lines are page furniture and are dropped.

Plain Python on purpose: no Django here, so the parser can be tested and reused alone.
Files are read line by line, so memory stays flat however large the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from dateutil import parser as dateutil_parser

BODY = "body"
CORRECTION = "correction"

# A longer line is not prose: reading it whole would let one hostile file exhaust memory.
MAX_LINE_CHARS = 200_000
MAX_HEADING_CHARS = 80
MAX_HEADING_WORDS = 10
MAX_BIO_CHARS = 400
MAX_NAME_WORDS = 5

# Every character Python counts as whitespace, plus the invisible ones clipping tools leave
# at line edges (a BOM from concatenated files, a zero-width space).
_EDGE_CHARS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\ufeff\u200b"
MAX_FOOTER_CHARS = 300

_FOOTER = re.compile(
    r"^This article (?:first |originally )?appeared in the (?P<date>.+?) issue of "
    r"(?:the )?(?P<publication>[^,]{1,200}?)(?:,\s*(?P<issue_title>.*?))?\s*$",
    re.IGNORECASE,
)
# Where the article first appeared, on a line of its own: a bare address, or one after
# "Source:", "URL:" or "Link:" (what clipping tools write).
_ORIGINAL_URL = re.compile(
    r"^(?:(?:source|url|original url|link|read online)\s*:\s*)?(?P<url>https?://[^\s<>\"]+)$",
    re.IGNORECASE,
)
MAX_URL_CHARS = 2000
WEB_SCHEMES = ("http", "https")
_HEADING = re.compile(r"^(?P<number>\d{1,3})\.\s+(?P<title>\S.*)$")
_CORRECTION = re.compile(r"^corrections?\s*:", re.IGNORECASE)
_BIO = re.compile(
    r"^(?P<name>[^,;:!?\"“”()]+?)\s+"
    r"(?:is|was|writes|has|teaches|works|edits|lives|covers|reports|blogs)\b"
)
# Lower-case words inside a name that belong to it: "Vincent van Gogh".
NAME_PARTICLES = frozenset(
    {"de", "da", "di", "du", "del", "della", "der", "den", "van", "von", "le", "la", "bin", "al"}
)
# What a byline calls a writer rather than naming them ("Political Correspondent"), for
# every reader and for citation names: a word here, or its plural, is no author's name.
BYLINE_ROLES = frozenset(
    [
        "correspondent",
        "editor",
        "reporter",
        "writer",
        "columnist",
        "contributor",
        "critic",
        "commentator",
        "analyst",
        "journalist",
        "staff",
    ]
)
_SHOW_HIDE_IMAGE = "show hide image"
# What breaks a line or is no text: never in a title, a name or a file's name, which go
# into one-line formats (RIS, BibTeX, a report).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


class ParseError(Exception):
    """Input that cannot be read as articles. The message says why, in one line."""


@dataclass(frozen=True)
class ParsedParagraph:
    text: str
    kind: str = BODY


@dataclass
class ParsedSection:
    number: int | None
    title: str | None
    paragraphs: list[ParsedParagraph] = field(default_factory=list)


@dataclass
class ParsedArticle:
    title: str
    standfirst: str = ""
    author: str = ""
    author_bio: str = ""
    publication: str = ""
    issue_date: date | None = None
    issue_title: str = ""
    original_url: str = ""
    publication_type: str = ""  # "magazine" or "newspaper" when the source says which
    sections: list[ParsedSection] = field(default_factory=list)
    order: int = 0
    line: int = 1
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # page furniture left out, for a preview
    # Details a person corrected, as archive.corrections records them; not in the digest:
    # the corrected values are.
    corrections: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[ParsedParagraph]:
        return [paragraph for section in self.sections for paragraph in section.paragraphs]

    def content_hash(self) -> str:
        """A digest of everything the reader shows: equal digests mean nothing to update."""
        content = [
            self.title,
            self.standfirst,
            self.author,
            self.author_bio,
            self.publication,
            self.issue_date.isoformat() if self.issue_date else None,
            self.issue_title,
            [[s.number, s.title, [[p.text, p.kind] for p in s.paragraphs]] for s in self.sections],
        ]
        # Only when there are, so that earlier digests stay as they were.
        content += [value for value in (self.original_url, self.publication_type) if value]
        encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def trim(text: str) -> str:
    """Strip whitespace, no-break spaces and stray BOMs from both ends; keep the rest exactly."""
    return text.strip(_EDGE_CHARS)


def is_blank(line: str) -> bool:
    return not trim(line)


def is_furniture(line: str) -> bool:
    """Page furniture: 'Show Hide image' and photo credits such as NAME/AGENCY/GETTY IMAGES."""
    text = trim(line)
    if text.lower() == _SHOW_HIDE_IMAGE:
        return True
    return (
        "/" in text
        and len(text) <= 150
        and any(char.isalpha() for char in text)
        and not any(char.islower() for char in text)
        and all(part.strip() for part in text.split("/"))
    )


def parse_heading(line: str) -> tuple[int, str] | None:
    """A short line 'N. Title' on its own; a sentence that opens with a number is not one."""
    match = _HEADING.match(trim(line))
    if not match:
        return None
    title = trim(match["title"])
    if (
        len(title) > MAX_HEADING_CHARS
        or len(title.split()) > MAX_HEADING_WORDS
        or title[0].islower()
        or title[-1] in ".,;:"
        or re.search(r"[.!?]\s+\S", title)
    ):
        return None
    return int(match["number"]), title


def parse_bio_author(paragraph: str) -> str | None:
    """The author's name if the paragraph reads as a bio ('Anthony Giddens is a former ...')."""
    if len(paragraph) > MAX_BIO_CHARS:
        return None
    match = _BIO.match(paragraph)
    if not match:
        return None
    name = match["name"].strip()
    words = name.split()
    if not 2 <= len(words) <= MAX_NAME_WORDS:
        return None
    for word in words:
        if word in NAME_PARTICLES:
            continue
        is_initial = len(word) == 2 and word[1] == "." and word[0].isupper()
        if not is_initial and not (
            word[0].isupper() and word.replace("-", "").replace("'", "").replace("’", "").isalpha()
        ):
            return None
    return name if len(name) <= 100 else None


def parse_footer(line: str) -> dict | None:
    text = trim(line)
    if len(text) > MAX_FOOTER_CHARS:
        return None
    match = _FOOTER.match(text)
    if not match:
        return None
    return {
        "date_text": match["date"].strip(),
        "publication": match["publication"].strip(),
        "issue_title": (match["issue_title"] or "").strip(),
    }


def parse_original_url(line: str) -> str | None:
    """The address on a line that holds only a web address (perhaps after 'Source:')."""
    text = trim(line)
    if len(text) > MAX_URL_CHARS:
        return None
    match = _ORIGINAL_URL.match(text)
    if not match:
        return None
    url = match["url"]
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a malformed address (an unclosed IPv6 bracket) is text
        return None
    return url if "." in host else None


def is_web_address(url: str) -> bool:
    """An http or https address: the only original URLs that become links, anywhere (a
    `javascript:` one written into the database past every form must not)."""
    try:
        return urlsplit(url).scheme.lower() in WEB_SCHEMES
    except ValueError:
        return False


def parse_issue_date(text: str) -> date | None:
    if not re.search(r"\d{4}", text):
        return None
    try:
        return dateutil_parser.parse(text, dayfirst=True, default=datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError):
        return None


class _ArticleBuilder:
    """Collects one article's lines until its footer, then shapes them into a ParsedArticle."""

    def __init__(self, order: int):
        self.order = order
        self.lines: list[tuple[int, str]] = []
        self.original_url = ""
        self.dropped: list[str] = []

    def add(self, number: int, text: str) -> None:
        self.lines.append((number, text))

    def __bool__(self) -> bool:
        return bool(self.lines)

    def finish(self, footer: dict | None, footer_line: int | None) -> ParsedArticle:
        first_line, title = self.lines[0]
        article = ParsedArticle(title=title, order=self.order, line=first_line)
        article.original_url, article.dropped = self.original_url, self.dropped
        body = self.lines[1:]
        if body and not parse_heading(body[0][1]) and not _CORRECTION.match(body[0][1]):
            article.standfirst = body.pop(0)[1]
        self._take_bio(article, body)
        self._build_sections(article, body)
        if footer:
            self._apply_footer(article, footer, footer_line)
        return article

    @staticmethod
    def _take_bio(article: ParsedArticle, body: list[tuple[int, str]]) -> None:
        for index in range(len(body) - 1, -1, -1):
            text = body[index][1]
            if _CORRECTION.match(text):
                continue
            author = parse_bio_author(text)
            if author:
                article.author, article.author_bio = author, text
                del body[index]
            return

    @staticmethod
    def _build_sections(article: ParsedArticle, body: list[tuple[int, str]]) -> None:
        section = None
        for _, text in body:
            heading = parse_heading(text)
            if heading:
                section = ParsedSection(number=heading[0], title=heading[1])
                article.sections.append(section)
                continue
            if section is None:
                section = ParsedSection(number=None, title=None)
                article.sections.append(section)
            kind = CORRECTION if _CORRECTION.match(text) else BODY
            section.paragraphs.append(ParsedParagraph(text=text, kind=kind))

    @staticmethod
    def _apply_footer(article: ParsedArticle, footer: dict, footer_line: int | None) -> None:
        article.publication = footer["publication"]
        article.issue_title = footer["issue_title"]
        article.issue_date = parse_issue_date(footer["date_text"])
        if article.issue_date is None:
            article.warnings.append(
                f"line {footer_line}: cannot read the issue date {footer['date_text']!r}; "
                "the article is kept without a date"
            )


def parse_lines(lines: Iterable[str]) -> Iterator[ParsedArticle]:
    """Yield articles one at a time as their footers are reached (an article waits for
    the line after its footer, which may give the address it first appeared at)."""
    builder = _ArticleBuilder(order=0)
    finished: ParsedArticle | None = None
    for number, raw in enumerate(lines, start=1):
        text = trim(raw)
        if not text:
            continue
        if is_furniture(text):
            builder.dropped.append(text)
            continue
        url = parse_original_url(text)
        if url and finished is not None and not finished.original_url:
            finished.original_url = url
            continue
        if finished is not None:
            yield finished
            finished = None
        if url and not builder.original_url:
            builder.original_url = url
            continue
        footer = parse_footer(text)
        if footer is None:
            builder.add(number, text)
            continue
        if not builder:
            raise ParseError(f"line {number}: a footer with no article before it")
        finished = builder.finish(footer, number)
        builder = _ArticleBuilder(order=builder.order + 1)
    if finished is not None:
        yield finished
    if builder:
        yield builder.finish(None, None)


def parse_text(text: str) -> list[ParsedArticle]:
    """Parse a whole string; files are streamed by archive.readers.text."""
    return list(parse_lines(limited_lines(io.StringIO(text, newline=None))))


def limited_lines(stream: io.TextIOBase) -> Iterator[str]:
    number = 0
    while True:
        line = stream.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line.rstrip("\n")) > MAX_LINE_CHARS:
            raise ParseError(f"line {number} is longer than {MAX_LINE_CHARS:,} characters")
        yield line
