"""The commonplace book as Markdown, generated piece by piece so that it streams in flat
memory. What a note says is contained (markdown_blocks.py): it cannot forge the book."""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it.token import Token

from annotations.formats import markdown_blocks as markdown
from annotations.formats.base import Exporter
from annotations.formats.book import Book
from annotations.models import Annotation


class MarkdownExporter(Exporter):
    """Each excerpt a blockquote holding the quote, its citation, its tags and its links;
    the note after it, contained (markdown_blocks.py), so that it cannot forge any of
    these. At the end, the articles' references in the export's style."""

    extension = "md"
    content_type = "text/markdown; charset=utf-8"

    def chunks(self) -> Iterator[str]:
        book = Book(self)
        yield markdown.render(
            markdown.heading(self.title, 1) + markdown.paragraph(book.subtitle(), emphasis=True)
        )
        for heading, excerpts in book.groups():
            yield "\n" + markdown.render(markdown.heading(heading, 2))
            for annotation in excerpts:
                yield "\n" + markdown.render(self.excerpt(book, annotation))
        if references := book.references():
            yield "\n" + markdown.render(markdown.heading("References", 2))
            for reference in references:
                yield "\n" + markdown.render(markdown.styled_paragraph(reference.runs))

    def excerpt(self, book: Book, annotation: Annotation) -> list[Token]:
        quoted = [*annotation.quote.split("\n\n"), *book.under_quote(annotation)]
        links = markdown.linked_paragraph(book.links(annotation), separator=" · ")
        return markdown.blockquote(quoted, then=links) + markdown.contained_note(annotation.note)
