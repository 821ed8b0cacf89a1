"""Annotated excerpts out, in the formats researchers use: which annotations, and how.

The formats themselves are in export_formats.py (CSV, JSON, JSON-LD) and export_book.py
(the Markdown and Word commonplace book).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.text import slugify

from annotations.export_book import DocxExporter, MarkdownExporter
from annotations.export_formats import (
    GROUPS,
    JSON_FORMAT,
    CsvExporter,
    Exporter,
    ExportError,
    JsonExporter,
    JsonLdExporter,
    Links,
)
from annotations.models import Tag, TaggedAnnotation

__all__ = [
    "FORMATS",
    "GROUPS",
    "JSON_FORMAT",
    "ExportError",
    "ExportFilters",
    "Links",
    "exporter",
    "selection",
    "write_file",
]

# More than anyone selects by hand; an export naming more is refused up front.
MAX_TAG_FILTERS = 500


@dataclass
class ExportFilters:
    tags: list[str] = field(default_factory=list)  # any of these (names or slugs)
    article: str | None = None
    user: str | None = None  # the annotator's username
    visibility: str | None = None
    since: date | None = None  # created on or after
    until: date | None = None  # created on or before
    q: str | None = None

    def apply(self, annotations: QuerySet) -> QuerySet:
        if len(self.tags) > MAX_TAG_FILTERS:
            raise ExportError(
                f"An export can name at most {MAX_TAG_FILTERS} tags, and this one names "
                f"{len(self.tags):,}: name fewer, or export without a tag filter."
            )
        if self.tags:
            tagged = TaggedAnnotation.objects.filter(tag_id__in=self.tag_ids())
            annotations = annotations.filter(pk__in=tagged.values("content_object_id"))
        if self.article:
            annotations = annotations.filter(article__slug=self.article)
        if self.user:
            annotations = annotations.filter(owner__username=self.user)
        if self.visibility:
            annotations = annotations.filter(visibility=self.visibility)
        if self.since:
            annotations = annotations.filter(created__date__gte=self.since)
        if self.until:
            annotations = annotations.filter(created__date__lte=self.until)
        if self.q:
            annotations = annotations.containing(self.q)
        return annotations

    def tag_ids(self) -> list[int]:
        """The tags named, by slug or by name in any case, looked up once: every query of
        the export then holds a list of ids, never a condition per tag (SQLite refuses
        an expression more than 1,000 deep, which cut a Markdown book by 300 tags short)."""
        named = Tag.objects.annotate(lower_name=Lower("name")).filter(
            Q(slug__in=self.tags)
            | Q(name__in=self.tags)
            | Q(lower_name__in=[tag.lower() for tag in self.tags])
        )
        return list(named.values_list("pk", flat=True))

    def scope(self) -> str:
        """A few words for a file name: what this export holds."""
        parts = [self.article or "", *self.tags, self.user or ""]
        return slugify(" ".join(part for part in parts if part))[:60] or "annotations"


def selection(annotations: QuerySet, filters: ExportFilters) -> QuerySet:
    """The annotations to export, in reading order. Callers pass only what the reader
    may see (Annotation.objects.visible_to(user)), so no export shows more."""
    return filters.apply(annotations).for_display().in_document_order()


FORMATS: dict[str, type[Exporter]] = {
    "csv": CsvExporter,
    "json": JsonExporter,
    "jsonld": JsonLdExporter,
    "md": MarkdownExporter,
    "docx": DocxExporter,
}


def exporter(format_name: str, annotations: QuerySet, links: Links, title: str, group: str):
    try:
        exporter_class = FORMATS[format_name]
    except KeyError:
        raise ExportError(f"Export as one of: {', '.join(FORMATS)}.") from None
    return exporter_class(annotations, links, title, group)


def write_file(export: Exporter, path: Path) -> None:
    """Write the export to a file that appears, complete, only at the end: it is written
    beside its destination and moved into place, so a failure on the way leaves no
    half-written file and keeps the one that was there. The file is readable by its
    owner alone, since an export may hold private annotations. A destination that is
    not a plain file (a pipe, /dev/stdout) gets the export once it is built whole."""
    if path.exists() and not path.is_file():
        with export.build() as built, path.open("wb") as out:
            shutil.copyfileobj(built, out)
        return
    export.check()
    part = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept past the block on success)
        dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with part:
            export.write(part)
        os.replace(part.name, path)
    except BaseException:
        Path(part.name).unlink(missing_ok=True)
        raise
