"""The commonplace book: excerpts grouped by article or by tag, as Markdown or Word.

Markdown is generated piece by piece, so it streams in flat memory; a Word document is
built whole, so it is capped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain, groupby
from operator import attrgetter
from typing import BinaryIO

from django.utils import timezone

from annotations.export_formats import (
    Exporter,
    ExportError,
    chunked,
    citation,
    note_text,
    tag_names,
)
from annotations.models import Annotation, Tag

MAX_DOCX_ANNOTATIONS = 20_000
# XML 1.0 refuses these characters, so a Word document cannot hold them.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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

    def write(self, out: BinaryIO) -> None:
        from docx import Document
        from docx.shared import Pt

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
        document.save(out)


def _xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text)
