"""The commonplace book as a Word document: built whole in memory, so capped."""

from __future__ import annotations

import re
from typing import BinaryIO

from annotations.formats.base import Exporter, ExportError, citation, note_text
from annotations.formats.book import Book

MAX_DOCX_ANNOTATIONS = 20_000
# XML 1.0 refuses these characters, so a Word document cannot hold them.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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

        book = Book(self)
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
