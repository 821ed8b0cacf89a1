"""Annotated excerpts out, in the formats researchers use, and back in (importing/).

One module a format, all built on base.py (what every format says about an annotation,
and how an export is built). Which annotations go out is annotations.filters' to say.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from django.db.models import QuerySet

from annotations.formats.base import GROUPS, Exporter, ExportError, Links, Reader
from annotations.formats.csv import CsvExporter
from annotations.formats.docx import DocxExporter
from annotations.formats.json import JsonExporter
from annotations.formats.jsonld import JsonLdExporter
from annotations.formats.markdown import MarkdownExporter
from annotations.formats.pandoc import PandocExporter
from annotations.formats.references import BibtexExporter, CslJsonExporter, RisExporter
from archive.styles import DEFAULT_STYLE

__all__ = [
    "FORMATS",
    "GROUPS",
    "ExportError",
    "Exporter",
    "Links",
    "Reader",
    "exporter",
    "write_file",
]

FORMATS: dict[str, type[Exporter]] = {
    "csv": CsvExporter,
    "json": JsonExporter,
    "jsonld": JsonLdExporter,
    "md": MarkdownExporter,
    "docx": DocxExporter,
    "pandoc": PandocExporter,
    "csl-json": CslJsonExporter,
    "bibtex": BibtexExporter,
    "ris": RisExporter,
}


def exporter(
    format_name: str,
    annotations: QuerySet,
    links: Links,
    title: str,
    group: str,
    reader: Reader | None = None,
    style: str = DEFAULT_STYLE,
):
    """The export of these annotations, in reading order, in the format named, for the
    reader (by default whoever runs the server). Callers pass only what the reader may
    see (Annotation.objects.visible_to), so no export shows more."""
    try:
        exporter_class = FORMATS[format_name]
    except KeyError:
        raise ExportError(f"Export as one of: {', '.join(FORMATS)}.") from None
    annotations = annotations.for_display().in_document_order()
    return exporter_class(annotations, links, title, group, reader, style)


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
