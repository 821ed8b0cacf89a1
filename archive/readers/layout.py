"""What a document's layout is read from: its lines, each with the little of its style
that says what it is (a title, a heading), and sections made from headings.

A word processor's paragraph can hold line breaks; each line is a Line of its own here,
since the labels of a news database's export (`Load-Date:`) sit at the start of a line,
not of a paragraph. Plain Python: no Django, nothing about any one file format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from archive.parsing import BODY, ParsedParagraph, ParsedSection, parse_heading, trim

TITLE = "title"
SUBTITLE = "subtitle"
HEADING = "heading"

# Any run of whitespace (tabs, no-break spaces, the breaks inside a line) is one space:
# the text is read as text, whatever spacing the document drew it with.
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Line:
    text: str  # trimmed, its whitespace normalised; never empty
    number: int  # the paragraph it is in, counted from 1, for warnings
    role: str = ""  # TITLE, SUBTITLE or HEADING when its style says so


def normalised(text: str) -> str:
    return _WHITESPACE.sub(" ", trim(text))


def lines_of(text: str, number: int, role: str = "") -> list[Line]:
    """A paragraph's text as its non-empty lines."""
    return [Line(line, number, role) for part in text.split("\n") if (line := normalised(part))]


def sections_of(lines: Iterable[Line]) -> list[ParsedSection]:
    """Paragraphs, with a new section at each heading; a heading written '2. The HQ'
    keeps its number, as in the plain-text format."""
    sections: list[ParsedSection] = []
    section = None
    for line in lines:
        if line.role == HEADING:
            numbered = parse_heading(line.text)
            number, title = numbered if numbered else (None, line.text)
            section = ParsedSection(number=number, title=title)
            sections.append(section)
            continue
        if section is None:
            section = ParsedSection(number=None, title=None)
            sections.append(section)
        section.paragraphs.append(ParsedParagraph(text=line.text, kind=BODY))
    return sections
