"""The layout Nexis Uni (LexisNexis) writes its exports in, read from a document's lines.

Each article, closed by a line `End of Document`:

    Title
    Publication
    March 23, 2017 Thursday 10:21 PM GMT     the date line (weekday and time optional)
    Final Edition                            edition lines, sometimes
    Copyright 2017 The Publisher
    Section: POLITICS; Version: 3            labels, each optional: Length, Byline,
    Length: 1234 words                       Dateline, Highlight, Edition, ...
    Byline: Jane Roe Political Editor
    Highlight: The standfirst
    Body
    paragraphs ...
    Graphic / Notes / Classification         optional, then Language:, Subject: ...
    Load-Date: March 24, 2017
    End of Document

A cover page may come first (Date and Time:, Job Number:, Documents (N), then the list of
documents). What is neither the article's text nor its metadata is dropped and kept in
ParsedArticle.dropped, for a preview to show. Learned from real exports (the samples that
come with the R packages LexisNexisTools and tm.plugin.lexisnexis, and exports of El País
and The Guardian): a label is followed by a no-break space, and the markers (Body,
Classification, End of Document) are lines of their own. Plain Python: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from archive.parsing import ParsedArticle, is_furniture
from archive.readers.bylines import MAX_AUTHOR_CHARS, author_from_byline
from archive.readers.layout import Line, sections_of

END_OF_DOCUMENT = "End of Document"
_BODY = "Body"
# The column holds no more: a longer line in the publication's place is not one.
MAX_PUBLICATION_CHARS = 255
MAX_COVER_LINES_SHOWN = 3

_MONTH_NAMES = [
    "jan january",
    "feb february",
    "mar march",
    "apr april",
    "may",
    "jun june",
    "jul july",
    "aug august",
    "sep sept september",
    "oct october",
    "nov november",
    "dec december",
]
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_YEAR = r"(?P<year>\d{4})\b"
# Month first, as Nexis Uni writes it ("March 23, 2017 Thursday 10:21 PM GMT"), or day
# first; what follows the year (weekday, time, zone) does not change the day. A month
# and a year alone (a monthly's issue) is its 1st, as in the plain-text format.
_DATE_FORMS = [
    re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"^{_WEEKDAY}(?P<day>\d{{1,2}})\.?\s+{_MONTH},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"^{_MONTH},?\s+{_YEAR}", re.IGNORECASE),
]
# A metadata line: "Byline: Jane Roe" (Nexis puts a no-break space after the colon).
_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z]*(?:[ /-][A-Za-z]+){0,2})\s*:\s*(?P<value>.*)$")
# The labels that may open an article's metadata; any label may follow them.
_HEADER_LABELS = frozenset(
    {"section", "length", "byline", "author", "dateline", "highlight", "edition", "version"}
)
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s*\d{4})", re.IGNORECASE)
# What follows the body: a graphic's caption, notes, the classification block, the day
# Nexis loaded the article. Each is a line of its own or a label.
_TRAILER = re.compile(r"^(?:Classification|Graphic|Notes)$|^(?:Load-Date|Graphic|Notes)\s*:")
_COVER = re.compile(
    r"^(?:Date and Time|Job Number|Client/Matter|Search Terms|Search Type|Narrowed by)\s*:"
    r"|^Documents? \(\d+\)$"
)


def is_nexis(lines: list[Line]) -> bool:
    return any(line.text == END_OF_DOCUMENT for line in lines)


def read_nexis(lines: list[Line]) -> Iterator[ParsedArticle]:
    """The articles of an export, one per `End of Document`, in their order."""
    order = 0
    for index, chunk in enumerate(_chunks(lines)):
        if chunk:
            yield _Article(chunk, order, first=index == 0).parse()
            order += 1


def _chunks(lines: list[Line]) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    for line in lines:
        if line.text == END_OF_DOCUMENT:
            yield chunk
            chunk = []
        else:
            chunk.append(line)
    yield chunk  # text after the last End of Document (an export cut short) is kept


def parse_date_line(text: str) -> date | None:
    """The day a date line names ('March 23, 2017 Thursday 10:21 PM GMT'), or None."""
    match = _date_match(text)
    if not match:
        return None
    day = match.groupdict().get("day")
    try:
        return date(int(match["year"]), _MONTHS[match["month"].lower()], int(day or 1))
    except ValueError:  # February 30
        return None


def _date_match(text: str) -> re.Match | None:
    return next((m for form in _DATE_FORMS if (m := form.match(text))), None)


def _opens_metadata(text: str) -> bool:
    if _COPYRIGHT.match(text):
        return True
    match = _LABEL.match(text)
    return bool(match) and match["label"].lower() in _HEADER_LABELS


class _Article:
    """One chunk of an export, between two `End of Document` lines, read as an article."""

    def __init__(self, chunk: list[Line], order: int, first: bool):
        self.chunk, self.first = chunk, first
        self.article = ParsedArticle(title="", order=order, line=chunk[0].number)

    def parse(self) -> ParsedArticle:
        chunk = self.chunk
        body_at = next((i for i, line in enumerate(chunk) if line.text == _BODY), None)
        header = chunk if body_at is None else chunk[:body_at]
        meta_at = next((i for i, line in enumerate(header) if _opens_metadata(line.text)), None)
        if meta_at is None:
            meta_at = len(header) if body_at is not None else min(3, len(header))
        self._read_top(header[:meta_at])
        if body_at is None:
            # Without the marker, the metadata ends at the first line that is not a label.
            meta = header[meta_at:]
            count = next((i for i, line in enumerate(meta) if not _is_field(line)), len(meta))
            self._read_fields(meta[:count])
            body = meta[count:]
            self.article.warnings.append(
                f"paragraph {self.article.line}: no 'Body' line; what follows the "
                "article's header is read as its body"
            )
        else:
            self._read_fields(header[meta_at:])
            body = chunk[body_at + 1 :]
        self._read_body(body)
        return self.article

    def _read_top(self, top: list[Line]) -> None:
        """The title, publication, date and edition lines; a cover page before them."""
        dated = [i for i, line in enumerate(top) if _date_match(line.text)]
        if not dated and self.first and top and _COVER.match(top[0].text):
            dated = [len(top) - 1]  # the cover is all but the last three lines
        at = dated[-1] if dated else min(2, len(top))
        if self.first and at > 2:
            self._drop_cover(top[: at - 2])
            top, at = top[at - 2 :], 2
        if at == 0:
            self.article.warnings.append(f"paragraph {self.article.line}: no title")
        else:
            self.article.title = " ".join(line.text for line in top[: max(at - 1, 1)])
            self.article.line = top[0].number
        if at >= 2:
            self._set_publication(top[at - 1])
        if at < len(top):
            self._set_date(top[at])
            self.article.dropped.extend(line.text for line in top[at + 1 :])  # editions
        else:
            self.article.warnings.append(
                f"paragraph {self.article.line}: no date line; the article is kept without a date"
            )

    def _drop_cover(self, cover: list[Line]) -> None:
        shown = " | ".join(line.text for line in cover[:MAX_COVER_LINES_SHOWN])
        more = " …" if len(cover) > MAX_COVER_LINES_SHOWN else ""
        self.article.dropped.append(f"cover page, {len(cover)} lines: {shown}{more}")

    def _set_publication(self, line: Line) -> None:
        if len(line.text) <= MAX_PUBLICATION_CHARS:
            self.article.publication = line.text
            return
        self.article.dropped.append(line.text)
        self.article.warnings.append(
            f"paragraph {line.number}: a line over {MAX_PUBLICATION_CHARS} characters where "
            "the publication should be; left out"
        )

    def _set_date(self, line: Line) -> None:
        self.article.issue_date = parse_date_line(line.text)
        if self.article.issue_date is None:
            self.article.dropped.append(line.text)
            self.article.warnings.append(
                f"paragraph {line.number}: cannot read the date line {line.text!r}; "
                "the article is kept without a date"
            )

    def _read_fields(self, meta: list[Line]) -> None:
        """Copyright and labels. A line that is neither continues the label before it
        (a Highlight over two lines)."""
        fields: list[list[str]] = []  # label, value, the lines as written
        for line in meta:
            match = None if _COPYRIGHT.match(line.text) else _LABEL.match(line.text)
            if match or _COPYRIGHT.match(line.text) or not fields:
                fields.append([match["label"].lower() if match else "", _value(match), line.text])
            else:
                fields[-1][1] += " " + line.text
                fields[-1][2] += " " + line.text
        for label, value, text in fields:
            self._apply_field(label, value, text)

    def _apply_field(self, label: str, value: str, text: str) -> None:
        article = self.article
        if label in ("byline", "author") and value and not article.author:
            author = author_from_byline(value)
            if len(author) > MAX_AUTHOR_CHARS:
                article.warnings.append(f"a byline too long to be one, left out: {text}")
                author = ""
            article.author = author
            if author != value:
                article.dropped.append(text)  # what the byline said, whole
        elif label == "highlight" and value and not article.standfirst:
            article.standfirst = value
        else:
            article.dropped.append(text)

    def _read_body(self, body: list[Line]) -> None:
        end = next((i for i, line in enumerate(body) if _TRAILER.match(line.text)), len(body))
        kept = []
        for line in body[:end]:
            if is_furniture(line.text):
                self.article.dropped.append(line.text)
            else:
                kept.append(line)
        self.article.dropped.extend(line.text for line in body[end:])
        for line in body[end:]:
            self._read_publication_type(_LABEL.match(line.text))
        self.article.sections = sections_of(kept)
        if not kept:
            self.article.warnings.append(
                f"paragraph {self.article.line}: no body text (a graphic alone, perhaps)"
            )

    def _read_publication_type(self, label: re.Match | None) -> None:
        """`Publication-Type: Newspaper` (or Magazine) says what to cite it as."""
        if not label or label["label"].lower() != "publication-type":
            return
        value = _value(label).lower()
        for kind in ("newspaper", "magazine"):
            if kind in value:
                self.article.publication_type = kind


def _is_field(line: Line) -> bool:
    return bool(_COPYRIGHT.match(line.text) or _LABEL.match(line.text))


def _value(match: re.Match | None) -> str:
    return match["value"].strip() if match else ""
