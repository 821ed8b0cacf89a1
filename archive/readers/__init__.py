"""The formats ingest reads, one reader each behind one interface: a file in, the
parser's articles out (archive.parsing.ParsedArticle), with its warnings.

A reader opens a file once to check it whole (`open` raises ParseError with a one-line
reason for a file it cannot read, before anything is written), and the Reading it
returns can give its articles twice: once for their titles, which match them with the
stored ones, and once to store them. Ingest chooses a reader by the file's extension,
or by the format it is told.
"""

from __future__ import annotations

from pathlib import Path

from archive.parsing import ParseError
from archive.readers.base import Reading, SourceReader
from archive.readers.docx import DocxReader
from archive.readers.html import HtmlReader
from archive.readers.text import TextReader

__all__ = ["FORMATS", "ParseError", "Reading", "SourceReader", "reader_for"]

FORMATS: dict[str, SourceReader] = {
    reader.name: reader for reader in [TextReader(), HtmlReader(), DocxReader()]
}


def reader_for(path: Path, format_name: str | None = None) -> SourceReader | None:
    """The reader for a file: the format named, else the one its extension says; None
    for a file no reader takes."""
    if format_name:
        return FORMATS[format_name]
    suffix = path.suffix.lower()
    return next((r for r in FORMATS.values() if suffix in r.extensions), None)


def no_reader(path: Path) -> str:
    """Why a file has no reader, and what to do."""
    kind = path.suffix or "a file without an extension"
    return f"no reader for {kind}: give --format"


def extensions() -> frozenset[str]:
    """Every extension some reader takes (.txt, ...): what a folder's walk picks up."""
    return frozenset(ext for reader in FORMATS.values() for ext in reader.extensions)
