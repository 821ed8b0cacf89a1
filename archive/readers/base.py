"""What every reader is, and what it gives back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from archive.parsing import ParsedArticle

# Told how many more bytes have been read, for a progress bar.
Progress = Callable[[int], None]


@dataclass
class Reading:
    """A file a reader has checked: its articles, as often as they are asked for, and
    what the reader noticed (a guessed encoding, say) for the report and the preview."""

    articles: Callable[[Progress | None], Iterator[ParsedArticle]]
    warnings: list[str] = field(default_factory=list)


class SourceReader(Protocol):
    name: str  # what --format calls it
    description: str  # for people choosing files: what it reads, in a sentence
    extensions: tuple[str, ...]  # lower case, with the dot

    def open(self, path: Path) -> Reading:
        """Check the file whole; raise archive.parsing.ParseError if it cannot be read."""
