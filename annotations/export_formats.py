"""The data formats an export is written in, and what every format says about an annotation.

CSV, Commonplace's own JSON (lossless: everything an import needs) and W3C Web Annotation
JSON-LD, generated piece by piece from a query read in chunks, so that memory stays flat
whatever the size. The commonplace book (Markdown and Word) is in export_book.py.
"""

from __future__ import annotations

import csv
import json
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import BinaryIO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import strip_tags

from annotations.anchoring import ArticleText
from annotations.models import Annotation, article_text

CHUNK = 500
SPOOL_BYTES = 4 * 1024 * 1024  # a built export bigger than this waits on disk
JSON_FORMAT = "commonplace-annotations"
JSON_VERSION = 1
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CSV_COLUMNS = [
    "quote",
    "note",
    "tags",
    "article",
    "section",
    "paragraph",
    "author",
    "publication",
    "issue_date",
    "annotator",
    "visibility",
    "created",
    "modified",
    "link",
]
GROUPS = ("article", "tag")
# Spreadsheets run a cell as a formula when its first visible character is one of these,
# and they skip spaces, line breaks and invisible characters to find it.
_FORMULA_START = frozenset("=+-@")
_INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})  # Unicode spaces, controls, formats


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


def citation(annotation: Annotation) -> str:
    """Anthony Giddens, "The rise and fall of New Labour", New Statesman, 17 May 2010, ¶12"""
    article = annotation.article
    parts = [article.author, f'"{article.title}"', article.publication, issue_date(article)]
    if annotation.start_paragraph is not None:
        parts.append(f"¶{annotation.start_paragraph.position}")
    return ", ".join(part for part in parts if part)


def tag_names(annotation: Annotation) -> list[str]:
    return sorted((tag.name for tag in annotation.tags.all()), key=str.lower)


def note_text(annotation: Annotation) -> str:
    """The note's words without Markdown, for formats that cannot show it."""
    from html import unescape

    return unescape(strip_tags(annotation.note_html)).strip()


class Links:
    """Absolute links into the server the export comes from."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")

    def reader(self, annotation: Annotation) -> str:
        return self.base + annotation.get_absolute_url()

    def article(self, annotation: Annotation) -> str:
        return self.base + annotation.article.get_absolute_url()

    def api(self, annotation: Annotation) -> str:
        return f"{self.base}/api/annotations/{annotation.pk}"


# The formats ----------------------------------------------------------------------------


class Exporter:
    extension = ""
    content_type = ""
    binary = False

    def __init__(self, annotations: QuerySet, links: Links, title: str, group: str = "article"):
        if group not in GROUPS:
            raise ExportError(f"Group by one of: {', '.join(GROUPS)}.")
        self.annotations, self.links, self.title, self.group = annotations, links, title, group

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


class _Echo:
    """A file that hands back what is written to it, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


class CsvExporter(Exporter):
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def chunks(self) -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff"  # the BOM tells spreadsheets the file is UTF-8
        yield writer.writerow(CSV_COLUMNS)
        for annotation in chunked(self.annotations):
            yield writer.writerow([_cell(value) for value in self.row(annotation)])

    def row(self, annotation: Annotation) -> list:
        article = annotation.article
        paragraph = annotation.start_paragraph
        return [
            annotation.quote,
            annotation.note,
            "; ".join(tag_names(annotation)),
            article.title,
            section_label(annotation),
            paragraph.position if paragraph else "",
            article.author,
            article.publication,
            article.issue_date.isoformat() if article.issue_date else "",
            annotation.owner.username,
            annotation.visibility,
            annotation.created.isoformat(),
            annotation.modified.isoformat(),
            self.links.reader(annotation),
        ]


def _cell(value):
    """The value, made inert with a leading ' if a spreadsheet could run it as a formula."""
    return "'" + value if isinstance(value, str) and _could_be_formula(value) else value


def _could_be_formula(text: str) -> bool:
    if text.startswith(("\t", "\r")):
        return True
    visible = next((c for c in text if unicodedata.category(c) not in _INVISIBLE), "")
    # NFKC: a full-width ＝ or a small ﹢ is read as the plain sign by some spreadsheets.
    return unicodedata.normalize("NFKC", visible)[:1] in _FORMULA_START


class JsonExporter(Exporter):
    """Commonplace's own format: everything an import needs to restore an annotation."""

    extension = "json"
    content_type = "application/json"

    def chunks(self) -> Iterator[str]:
        self.annotations = self.annotations.prefetch_related("tags")
        header = {
            "format": JSON_FORMAT,
            "version": JSON_VERSION,
            "exported": timezone.now().isoformat(),
            "title": self.title,
            "count": self.annotations.count(),
        }
        yield json.dumps(header, ensure_ascii=False)[:-1] + ', "annotations": [\n'
        for index, annotation in enumerate(chunked(self.annotations)):
            yield ("" if index == 0 else ",\n") + json.dumps(
                self.record(annotation), ensure_ascii=False
            )
        yield "\n]}\n"

    @staticmethod
    def record(annotation: Annotation) -> dict:
        article = annotation.article

        def paragraph(p):
            return None if p is None else {"id": p.pk, "position": p.position}

        return {
            "uid": str(annotation.uid),
            "user": {"username": annotation.owner.username},
            "article": {
                "slug": article.slug,
                "title": article.title,
                "source": article.source,
                "order": article.order,
            },
            "paragraph": paragraph(annotation.start_paragraph),
            "start": annotation.start_offset,
            "end_paragraph": paragraph(annotation.end_paragraph),
            "end": annotation.end_offset,
            "quote": annotation.quote,
            "prefix": annotation.prefix,
            "suffix": annotation.suffix,
            "note": annotation.note,
            "tags": [
                {
                    "name": tag.name,
                    "slug": tag.slug,
                    "description": description_for(tag, annotation.audience),
                }
                for tag in sorted(annotation.tags.all(), key=lambda t: t.name.lower())
            ],
            "visibility": annotation.visibility,
            "anchor": annotation.anchor,
            "created": annotation.created.isoformat(),
            "modified": annotation.modified.isoformat(),
        }


def description_for(tag, audience: str) -> str:
    """What the tag means to the annotation's own audience: whoever may see the
    annotation may read it, and nobody else's gloss travels with it."""
    return tag.description if tag.audience == audience else ""


class JsonLdExporter(Exporter):
    """A W3C Web Annotation AnnotationCollection whose first page holds every item."""

    extension = "jsonld"
    content_type = "application/ld+json"

    def chunks(self) -> Iterator[str]:
        collection = f"{self.links.base}/annotations/export/"
        head = {
            "@context": W3C_CONTEXT,
            "id": collection,
            "type": "AnnotationCollection",
            "label": self.title,
            "total": self.annotations.count(),
        }
        yield json.dumps(head, ensure_ascii=False)[:-1]
        yield f', "first": {{"id": {json.dumps(collection + "#page-1")}, "type": "AnnotationPage",'
        yield ' "startIndex": 0, "items": [\n'
        texts = _ArticleTexts()
        for index, annotation in enumerate(chunked(self.annotations)):
            item = self.item(annotation, texts.get(annotation.article_id))
            yield ("" if index == 0 else ",\n") + json.dumps(item, ensure_ascii=False)
        yield "\n]}}\n"

    def item(self, annotation: Annotation, text: ArticleText) -> dict:
        bodies = []
        if annotation.note:
            bodies.append(
                {
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "format": "text/markdown",
                    "value": annotation.note,
                }
            )
        bodies += [
            {"type": "TextualBody", "purpose": "tagging", "value": name}
            for name in tag_names(annotation)
        ]
        selectors = [
            {
                "type": "TextQuoteSelector",
                "exact": annotation.quote,
                "prefix": annotation.prefix,
                "suffix": annotation.suffix,
            }
        ]
        passage = annotation.passage
        if passage is not None and text.is_valid(passage):
            selectors.append(
                {
                    "type": "TextPositionSelector",
                    "start": text.offset_of(passage.start),
                    "end": text.offset_of(passage.end),
                }
            )
        item = {
            "@context": W3C_CONTEXT,
            "id": self.links.api(annotation),
            "type": "Annotation",
            "canonical": f"urn:uuid:{annotation.uid}",
            "creator": {"type": "Person", "nickname": annotation.owner.username},
            "created": _w3c_time(annotation.created),
            "modified": _w3c_time(annotation.modified),
            "motivation": _motivation(annotation, bodies),
            "target": {"source": self.links.article(annotation), "selector": selectors},
        }
        if bodies:
            item["body"] = bodies
        return item


def _motivation(annotation: Annotation, bodies: list) -> str:
    if annotation.note:
        return "commenting"
    return "tagging" if bodies else "highlighting"


def _w3c_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _ArticleTexts:
    """Article texts for position selectors, one article at a time: exports run in
    reading order, so keeping the last one is enough and memory stays flat."""

    def __init__(self):
        self.article_id, self.text = None, None

    def get(self, article_id: int) -> ArticleText:
        if article_id != self.article_id:
            self.article_id, self.text = article_id, article_text(article_id)
        return self.text
