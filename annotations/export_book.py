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
from markdown_it.token import Token

from annotations import book_markdown as markdown
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
        # One group per slug, as one tag page: each audience has its own tag of a name.
        tags = Tag.objects.filter(tagged_annotations__content_object__in=annotations)
        names: dict[str, str] = {}
        for tag in tags.distinct().order_by("name", "pk"):
            names.setdefault(tag.slug, tag.name)
        for slug, name in names.items():
            yield f"#{name}", chunked(annotations.filter(tags__slug=slug))
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
    """Each excerpt a blockquote holding the quote, its citation and its tags; the note
    after it, contained (book_markdown.py), so that it cannot forge any of these."""

    extension = "md"
    content_type = "text/markdown; charset=utf-8"

    def chunks(self) -> Iterator[str]:
        book = _Book(self)
        yield markdown.render(
            markdown.heading(self.title, 1) + markdown.paragraph(book.subtitle(), emphasis=True)
        )
        for heading, excerpts in book.groups():
            yield "\n" + markdown.render(markdown.heading(heading, 2))
            for annotation in excerpts:
                yield "\n" + markdown.render(self.excerpt(annotation))

    def excerpt(self, annotation: Annotation) -> list[Token]:
        quoted = [*annotation.quote.split("\n\n"), f"— {citation(annotation)}"]
        if self.group == "article" and (tags := tag_names(annotation)):
            quoted.append("Tags: " + ", ".join(tags))
        return markdown.blockquote(quoted) + markdown.contained_note(annotation.note)


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
                cite = document.add_paragraph()
                run = cite.add_run("— " + _xml_safe(citation(annotation)))
                run.italic, run.font.size = True, Pt(9)
                # The note's words only, as plain runs: it brings no style, link or image.
                for line in note_text(annotation).split("\n\n"):
                    if line.strip():
                        document.add_paragraph(_xml_safe(line))
        document.save(out)


def _xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text)
