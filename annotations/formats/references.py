"""The references of an export: each article its excerpts come from, once, as a file a
reference manager imports (CSL-JSON, BibTeX, RIS; written by archive.reference_files)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from annotations.formats.base import Exporter
from archive.models import Article
from archive.reference_files import REFERENCE_FILES, ReferenceFile
from archive.references import csl_items


def articles_of(exporter: Exporter):
    """The exported annotations' articles, each once, in archive order."""
    return Article.objects.filter(pk__in=exporter.annotations.order_by().values("article_id"))


def references_of(exporter: Exporter) -> list[dict]:
    """CSL-JSON items of the export's articles; each one's URL is its page in the reader."""
    return csl_items(
        articles_of(exporter),
        exporter.links.article_page,
        timezone.localdate(),
    )


class ReferencesExporter(Exporter):
    reference_file: ReferenceFile

    def chunks(self) -> Iterator[str]:
        yield self.reference_file.write(references_of(self))


class CslJsonExporter(ReferencesExporter):
    reference_file = REFERENCE_FILES["csl-json"]
    extension = "csl.json"  # not the annotations' own .json export
    content_type = f"{reference_file.content_type}; charset=utf-8"


class BibtexExporter(ReferencesExporter):
    reference_file = REFERENCE_FILES["bibtex"]
    extension = reference_file.extension
    content_type = f"{reference_file.content_type}; charset=utf-8"


class RisExporter(ReferencesExporter):
    reference_file = REFERENCE_FILES["ris"]
    extension = reference_file.extension
    content_type = f"{reference_file.content_type}; charset=utf-8"
