"""What every export format shares: what it says about an annotation (its citation, its
tags, whose it is, links to it), and how an export is built and named.

Each format is a module of this package; the registry is in __init__.py.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO

from django.db.models import QuerySet
from django.utils import timezone

from annotations.models import Annotation, tags_of
from annotations.permissions import Viewer
from archive.styles import DEFAULT_STYLE, STYLES

CHUNK = 500
SPOOL_BYTES = 4 * 1024 * 1024  # a built export bigger than this waits on disk
GROUPS = ("article", "tag")


class ExportError(Exception):
    """A request for an export that cannot be made; the message says why."""


def chunked(annotations: QuerySet) -> Iterator[Annotation]:
    return annotations.iterator(chunk_size=CHUNK)


# What every format says about an annotation ---------------------------------------------


def section_label(annotation: Annotation) -> str:
    paragraph = annotation.start_paragraph
    if paragraph is None or paragraph.section.number is None:
        return ""
    return f"{paragraph.section.number}. {paragraph.section.title}"


def issue_date(article) -> str:
    return f"{article.issue_date.day} {article.issue_date:%B %Y}" if article.issue_date else ""


def paragraph_range(annotation: Annotation) -> str:
    """The paragraphs the passage spans: 12, or 6–7 (an en dash); "" if it was lost."""
    start, end = annotation.start_paragraph, annotation.end_paragraph
    if start is None:
        return ""
    if end is None or end.position == start.position:
        return str(start.position)
    return f"{start.position}–{end.position}"


def paragraphs_cited(annotation: Annotation) -> str:
    """Where the passage is: ¶12, or ¶6–7 for one that runs on; "" if lost."""
    paragraphs = paragraph_range(annotation)
    return f"¶{paragraphs}" if paragraphs else ""


def citation(annotation: Annotation) -> str:
    """Anthony Giddens, "The rise and fall of New Labour", New Statesman, 17 May 2010, ¶12"""
    article = annotation.article
    parts = [article.author, f'"{article.title}"', article.publication, issue_date(article)]
    parts.append(paragraphs_cited(annotation))
    return ", ".join(part for part in parts if part)


def tag_names(annotation: Annotation) -> list[str]:
    return [tag.name for tag in tags_of(annotation)]


@dataclass(frozen=True)
class Reader:
    """Whom an export is made for: which excerpts are theirs (the others say whose they
    are), and the name the document gives as its author."""

    viewer: Viewer
    name: str

    @classmethod
    def of(cls, user) -> Reader:
        """A visitor on the web, or a user named on the command line."""
        viewer = Viewer.of(user)
        if not viewer.signed_in:
            return cls(viewer, "Commonplace")
        return cls(viewer, user.get_full_name() or user.username)

    @classmethod
    def operator(cls) -> Reader:
        """Whoever runs the server: nothing is theirs, so every excerpt says whose it is."""
        return cls(Viewer.operator(), "Commonplace")

    def whose(self, annotation: Annotation) -> str:
        """Says whose an annotation is ("Annotated by NAME") unless it is the reader's own."""
        if self.viewer.is_own(annotation):
            return ""
        return f"Annotated by {annotation.owner.username}"


class Links:
    """Absolute links into the server the export comes from."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")

    def reader(self, annotation: Annotation) -> str:
        return self.base + annotation.get_absolute_url()

    def article(self, annotation: Annotation) -> str:
        return self.base + annotation.article.get_absolute_url()

    def permalink(self, annotation: Annotation) -> str:
        return self.base + annotation.get_permalink()

    def original_passage(self, annotation: Annotation) -> str:
        """The passage in the page the article first appeared on; "" if unknown."""
        return annotation.original_passage_url()

    def article_page(self, article) -> str:
        return self.base + article.get_absolute_url()


# What every format is -------------------------------------------------------------------


class Exporter:
    extension = ""
    content_type = ""
    binary = False

    def __init__(
        self,
        annotations: QuerySet,
        links: Links,
        title: str,
        group: str = "article",
        reader: Reader | None = None,
        style: str = DEFAULT_STYLE,
    ):
        if group not in GROUPS:
            raise ExportError(f"Group by one of: {', '.join(GROUPS)}.")
        if style not in STYLES:
            raise ExportError(f"Cite in one of the styles: {', '.join(STYLES)}.")
        self.annotations, self.links, self.title, self.group = annotations, links, title, group
        self.reader = reader or Reader.operator()
        self.style = style  # the reference list's, where a format has one

    def check(self) -> None:
        """Raise ExportError before anything is built, if this export cannot be made."""

    def chunks(self) -> Iterator[str]:
        """The export's text, piece by piece (text formats)."""
        raise NotImplementedError

    def write(self, out: BinaryIO) -> None:
        """Write the whole export to a binary file."""
        for chunk in self.chunks():
            out.write(chunk.encode())

    def build(self) -> BinaryIO:
        """The whole export in a temporary file, rewound, built before any of it is sent:
        whatever fails on the way is an error, never a download cut short behind a 200.
        It is held in memory up to SPOOL_BYTES and on disk past that, so memory stays flat."""
        self.check()
        with ExitStack() as closed_on_failure:
            built = closed_on_failure.enter_context(
                tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
            )
            self.write(built)
            built.seek(0)
            closed_on_failure.pop_all()  # complete: the caller sends it, then closes it
        return built

    def filename(self, scope: str) -> str:
        return f"commonplace-{scope}-{timezone.localdate():%Y-%m-%d}.{self.extension}"
