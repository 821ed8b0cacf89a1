"""The plain-text clippings format (archive.parsing), read as a stream in flat memory:
line by line, each line no longer than parsing.MAX_LINE_CHARS."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from archive import parsing
from archive.parsing import ParsedArticle
from archive.readers.base import Progress, Reading
from archive.readers.encoding import Encoding, detect_encoding


class TextReader:
    name = "text"
    description = (
        "Plain text in the clipping format: one or many articles, each a title line, a "
        "standfirst line and its paragraphs, closed by a footer such as “This article "
        "first appeared in the 17 May 2010 issue of the New Statesman”, which dates it."
    )
    extensions = (".txt",)

    def open(self, path: Path) -> Reading:
        with open(path, "rb") as stream:
            encoding = detect_encoding(stream)

        def articles(progress: Progress | None = None) -> Iterator[ParsedArticle]:
            with open(path, "rb") as raw:
                stream = io.BufferedReader(_ProgressReader(raw, progress)) if progress else raw
                yield from read_articles(stream, encoding)

        return Reading(articles, list(encoding.warnings))


def read_articles(stream: BinaryIO, encoding: Encoding) -> Iterator[ParsedArticle]:
    """Stream the articles of a byte stream whose encoding detect_encoding() chose."""
    text = io.TextIOWrapper(stream, encoding=encoding.name, newline=None)
    try:
        yield from parsing.parse_lines(parsing.limited_lines(text))
    finally:
        # Leave the caller's stream open: closing it is the caller's business.
        if not stream.closed:
            text.detach()


class _ProgressReader(io.RawIOBase):
    """A binary file that reports how many bytes have been read, for a progress bar."""

    def __init__(self, raw: io.BufferedIOBase, progress: Progress):
        self.raw, self.progress = raw, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        self.progress(count or 0)
        return count
