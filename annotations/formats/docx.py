"""The commonplace book as a Word document: built whole in memory, so capped. Each
excerpt is its quote, the lines under it (citation, tags, whose it is), its note, in
Word's own formatting (docx_notes.py), and its links; the articles' references end it."""

from __future__ import annotations

from typing import BinaryIO

from django.utils import timezone

from annotations.formats.base import Exporter, ExportError
from annotations.formats.book import Book

MAX_DOCX_ANNOTATIONS = 20_000


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

        from annotations.formats.docx_notes import NoteWriter, add_links, xml_safe

        book = Book(self)
        document = Document()
        properties = document.core_properties
        properties.title = xml_safe(self.title)
        properties.author = properties.last_modified_by = xml_safe(self.reader.name)
        properties.created = properties.modified = timezone.now()
        properties.comments = properties.subject = ""
        document.add_heading(xml_safe(self.title), level=0)
        document.add_paragraph(book.subtitle()).runs[0].italic = True
        notes = NoteWriter(document)
        for heading, excerpts in book.groups():
            document.add_heading(xml_safe(heading), level=1)
            for annotation in excerpts:
                for line in annotation.quote.split("\n\n"):
                    document.add_paragraph(xml_safe(line), style="Quote")
                for line in book.under_quote(annotation):
                    run = document.add_paragraph().add_run(xml_safe(line))
                    run.italic, run.font.size = True, Pt(9)
                # Before the note, as the citation is: what follows a note may be its own.
                add_links(document.add_paragraph(), book.links(annotation), " · ", Pt(9))
                notes.write(annotation.note)
        if references := book.references():
            document.add_heading("References", level=1)
            for reference in references:
                paragraph = document.add_paragraph()
                for part in reference.runs:
                    run = paragraph.add_run(xml_safe(part.text))
                    run.italic, run.bold = "i" in part.shapes or None, "b" in part.shapes or None
                    run.font.small_caps = "sc" in part.shapes or None
        document.save(out)
