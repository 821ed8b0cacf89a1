"""Annotated excerpts out, in the formats researchers use.

CSV, Commonplace's own JSON (lossless: everything an import needs), W3C Web Annotation
JSON-LD, a Markdown commonplace book and the same book as a Word document. The text
formats are generated piece by piece from a query read in chunks, so an export of any
size streams in flat memory; a Word document is built whole, so it is capped.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import chain, groupby
from operator import attrgetter

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from annotations.anchoring import ArticleText
from annotations.models import Annotation, Tag, article_text

CHUNK = 500
MAX_DOCX_ANNOTATIONS = 20_000
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
# XML 1.0 refuses these characters, so a Word document cannot hold them.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Spreadsheets run a cell that starts with these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """A request for an export that cannot be made; the message says why."""


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


def description_for(tag: Tag, audience: str) -> str:
    """What the tag means to the annotation's own audience: whoever may see the
    annotation may read it, and nobody else's gloss travels with it."""
    return next((d.text for d in tag.descriptions.all() if d.audience == audience), "")


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
        """Raise ExportError before anything is sent, if this export cannot be made."""

    def chunks(self) -> Iterator[str | bytes]:
        raise NotImplementedError

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
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class JsonExporter(Exporter):
    """Commonplace's own format: everything an import needs to restore an annotation."""

    extension = "json"
    content_type = "application/json"

    def chunks(self) -> Iterator[str]:
        self.annotations = self.annotations.prefetch_related("tags__descriptions")
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


class _Book:
    """The commonplace book's structure, shared by Markdown and Word: groups of excerpts."""

    def __init__(self, exporter: Exporter):
        self.exporter = exporter

    def groups(self) -> Iterator[tuple[str, Iterable[Annotation]]]:
        annotations = self.exporter.annotations
        if self.exporter.group == "article":
            # Lazily: an article's excerpts are never gathered in memory together. Each
            # group is read to its end before groupby moves on, as groupby requires.
            for _, excerpts in groupby(chunked(annotations), key=attrgetter("article_id")):
                first = next(excerpts)
                yield first.article.title, chain([first], excerpts)  # noqa: B031
            return
        tags = Tag.objects.filter(tagged_annotations__content_object__in=annotations)
        for tag in tags.distinct().order_by("name"):
            yield f"#{tag.name}", chunked(annotations.filter(tags=tag))
        untagged = annotations.filter(tags=None)
        if untagged.exists():
            yield "Untagged", chunked(untagged)

    def subtitle(self) -> str:
        total = self.exporter.annotations.count()
        when = timezone.localdate()
        return (
            f"Exported from Commonplace on {when.day} {when:%B %Y}: {total} excerpt"
            f"{'' if total == 1 else 's'}, grouped by {self.exporter.group}."
        )


class MarkdownExporter(Exporter):
    extension = "md"
    content_type = "text/markdown; charset=utf-8"

    def chunks(self) -> Iterator[str]:
        book = _Book(self)
        yield f"# {escape_markdown(self.title)}\n\n_{book.subtitle()}_\n"
        for heading, excerpts in book.groups():
            yield f"\n## {escape_markdown(heading)}\n"
            for annotation in excerpts:
                yield "\n" + self.excerpt(annotation)

    def excerpt(self, annotation: Annotation) -> str:
        quote = "\n".join(
            f"> {escape_markdown(line)}" if line else ">" for line in annotation.quote.split("\n")
        )
        parts = [quote]
        if annotation.note.strip():
            # The note stays Markdown, but raw HTML in it stays text, as in the app.
            parts.append(_RAW_HTML.sub(r"\\<", annotation.note.strip()))
        parts.append(f"— {escape_markdown(citation(annotation))}")
        details = tag_names(annotation) if self.group == "article" else []
        if details:
            parts.append("Tags: " + ", ".join(escape_markdown(name) for name in details))
        return "\n\n".join(parts) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!])")
_RAW_HTML = re.compile(r"<(?=[A-Za-z/!?])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])(\s)")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as it is: no emphasis, links, HTML or lists from it."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(r"\1\\\2\3", text)


class DocxExporter(Exporter):
    extension = "docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    binary = True

    def check(self) -> None:
        # A Word document is built whole in memory, unlike the text formats.
        total = self.annotations.count()
        if total > MAX_DOCX_ANNOTATIONS:
            raise ExportError(
                f"{total:,} annotations are too many for one Word document "
                f"(at most {MAX_DOCX_ANNOTATIONS:,}); export Markdown, or narrow the selection."
            )

    def chunks(self) -> Iterator[bytes]:
        from docx import Document
        from docx.shared import Pt

        self.check()
        book = _Book(self)
        document = Document()
        document.core_properties.title = _xml_safe(self.title)
        document.add_heading(_xml_safe(self.title), level=0)
        document.add_paragraph(book.subtitle()).runs[0].italic = True
        for heading, excerpts in book.groups():
            document.add_heading(_xml_safe(heading), level=1)
            for annotation in excerpts:
                for line in annotation.quote.split("\n\n"):
                    document.add_paragraph(_xml_safe(line), style="Quote")
                for line in note_text(annotation).split("\n\n"):
                    if line.strip():
                        document.add_paragraph(_xml_safe(line))
                cite = document.add_paragraph()
                run = cite.add_run("— " + _xml_safe(citation(annotation)))
                run.italic, run.font.size = True, Pt(9)
        buffer = io.BytesIO()
        document.save(buffer)
        yield buffer.getvalue()


def _xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text)


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
