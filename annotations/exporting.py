"""Annotated excerpts out, in the formats researchers use: which annotations, and how.

The formats themselves are in export_formats.py (CSV, JSON, JSON-LD) and export_book.py
(the Markdown and Word commonplace book).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
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

__all__ = [
    "FORMATS",
    "GROUPS",
    "JSON_FORMAT",
    "ExportError",
    "ExportFilters",
    "Links",
    "exporter",
    "selection",
]


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
        if self.tags:
            wanted = Q()
            for tag in self.tags:
                wanted |= Q(tags__slug=tag) | Q(tags__name__iexact=tag)
            annotations = annotations.filter(wanted).distinct()
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
