"""Ingest files of articles: each file read, checked whole, then stored in its own
transaction, with a report of what happened to every file.

What hangs on the archive (annotations on the text, the search index) is not archive's
business: whoever runs an ingest passes in what must follow it (`on_rewritten`, `index`;
the composition layer's command wires them) and prints the report it gets back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.db import DatabaseError, transaction

from archive import corrections as corrections_of_people
from archive import readers
from archive.discovery import SourceFile
from archive.parsing import ParsedArticle, ParseError
from archive.storing import Counts, Rewritten, store_articles


class ArticleIndex(Protocol):
    """What an ingest tells the index that follows the archive."""

    def articles_changed(self, ids: list[int]) -> None:
        """Inside a file's transaction: these articles' entries must be made again."""

    def file_committed(self) -> None:
        """After a file's commit: a moment to apply what is waiting, if it is enough."""

    def finished(self) -> None:
        """After the last file: apply everything waiting."""


@dataclass
class FileOutcome:
    path: Path
    status: str  # "ingested" | "skipped" | "failed"
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    articles: Counts = field(default_factory=Counts)
    sections: Counts = field(default_factory=Counts)
    paragraphs: Counts = field(default_factory=Counts)
    rewrites: list[tuple[str, object]] = field(default_factory=list)  # (title, its report)


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)
    ignored: int = 0  # files in folders of no format a reader takes

    def of_status(self, status: str) -> list[FileOutcome]:
        return [outcome for outcome in self.files if outcome.status == status]

    def total(self, kind: str) -> Counts:
        counts = Counts()
        for outcome in self.files:
            counts.add(getattr(outcome, kind))
        return counts


def ingest_files(
    files: list[SourceFile],
    ignored: int = 0,
    *,
    index: ArticleIndex,
    on_rewritten: Rewritten | None = None,
    progress: Callable[[int], None] | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> IngestReport:
    """Ingest each file in its own transaction; one file failing leaves the others be."""
    report = IngestReport(ignored=ignored)
    try:
        for source_file in files:
            outcome = ingest_file(source_file, index, on_rewritten, progress)
            report.files.append(outcome)
            index.file_committed()
            if on_file:
                on_file(outcome)
    finally:
        index.finished()
    return report


def ingest_file(
    source_file: SourceFile,
    index: ArticleIndex,
    on_rewritten: Rewritten | None = None,
    progress: Callable[[int], None] | None = None,
) -> FileOutcome:
    outcome = FileOutcome(path=source_file.path, status="ingested")
    if source_file.missing:
        return _failed(outcome, "no such file or folder")
    if source_file.refused:
        outcome.status, outcome.reason = "skipped", source_file.refused
        return outcome
    reader = readers.reader_for(source_file.path, source_file.format)
    if reader is None:
        return _failed(outcome, readers.no_reader(source_file.path))
    try:
        reading = reader.open(source_file.path)
        outcome.warnings.extend(reading.warnings)
        # A first pass finds what cannot be read before anything is written.
        corrections = source_file.corrections
        titles = [a.title for a in _corrected(reading.articles(None), corrections)]
        if not titles:
            outcome.status, outcome.reason = "skipped", "no articles in it (empty file)"
            return outcome
        with transaction.atomic():
            articles = _corrected(reading.articles(progress), corrections)
            stored = store_articles(source_file.source, titles, articles, on_rewritten)
            if stored.changed:
                index.articles_changed(stored.changed)
    except ParseError as error:
        return _failed(outcome, str(error))
    except OSError as error:
        return _failed(outcome, f"cannot read it: {error.strerror or error}")
    except DatabaseError as error:
        return _failed(outcome, f"the database refused it: {str(error).splitlines()[0]}")
    outcome.warnings.extend(stored.warnings)
    outcome.articles, outcome.sections = stored.articles, stored.sections
    outcome.paragraphs, outcome.rewrites = stored.paragraphs, stored.rewrites
    return outcome


def _corrected(articles: Iterator[ParsedArticle], corrections) -> Iterator[ParsedArticle]:
    for article in articles:
        yield corrections_of_people.corrected(article, corrections.get(article.order, {}))


def _failed(outcome: FileOutcome, reason: str) -> FileOutcome:
    outcome.status, outcome.reason = "failed", reason
    outcome.articles, outcome.sections, outcome.paragraphs = Counts(), Counts(), Counts()
    outcome.rewrites = []
    return outcome
