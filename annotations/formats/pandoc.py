"""Excerpts for writing with Pandoc: each a blockquote followed by its citation,
`[@giddens2010rise, para. 6–7]`, then its note, tags, whose it is and links back; the
articles as CSL YAML in the front matter's `references:`, so that `pandoc --citeproc`
renders every citation and the reference list with nothing else to fetch.

Pandoc reads each string of the front matter as Markdown, so the references' text is
escaped as Markdown (a title with `*` or `@` stays that title, not emphasis or a
citation); the excerpts are written by markdown_blocks, which escapes Pandoc's markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from annotations.formats import markdown_blocks as markdown
from annotations.formats.base import Exporter, paragraph_range, tag_names
from annotations.formats.book import Book
from annotations.formats.references import references_of
from annotations.models import Annotation

# Every ASCII punctuation character: Pandoc's Markdown takes any of them after a
# backslash as itself.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Values Pandoc reads as they are, not as Markdown.
_LITERAL_KEYS = frozenset({"id", "type", "citation-key"})


def markdown_literal(text: str) -> str:
    return _PUNCTUATION.sub(r"\\\1", text)


def _as_metadata(value, key: str = ""):
    if isinstance(value, str):
        return value if key in _LITERAL_KEYS else markdown_literal(value)
    if isinstance(value, list):
        return [_as_metadata(part, key) for part in value]
    if isinstance(value, dict):
        return {name: _as_metadata(part, name) for name, part in value.items()}
    return value


def cite(annotation: Annotation) -> str:
    """[@giddens2010rise, para. 6–7]; a passage that was lost cites the article alone."""
    key = annotation.article.citation_key
    paragraphs = paragraph_range(annotation)
    return f"[@{key}, para. {paragraphs}]" if paragraphs else f"[@{key}]"


class PandocExporter(Exporter):
    extension = "md"
    content_type = "text/markdown; charset=utf-8; variant=pandoc"

    def chunks(self) -> Iterator[str]:
        book = Book(self)
        yield self.front_matter(book)
        for heading, excerpts in book.groups():
            yield "\n" + markdown.render(markdown.heading(heading, 1))
            for annotation in excerpts:
                yield "\n" + self.excerpt(annotation)

    def front_matter(self, book: Book) -> str:
        metadata = {
            "title": markdown_literal(self.title),
            "subtitle": markdown_literal(book.subtitle()),
            "reference-section-title": "References",
            "link-citations": True,
            "references": _as_metadata(references_of(self)),
        }
        dumped = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False, width=1000)
        return f"---\n{dumped}---\n"

    def excerpt(self, annotation: Annotation) -> str:
        # Its tags, whose it is and its links before the note, as its citation is: a note
        # cannot forge what comes before it.
        about = markdown.linked_paragraph(self.about(annotation), separator=" · ")
        quote = markdown.render(markdown.blockquote(annotation.quote.split("\n\n"), then=about))
        note = markdown.contained_note(annotation.note)
        return (
            quote + "\n" + cite(annotation) + "\n" + ("\n" + markdown.render(note) if note else "")
        )

    def about(self, annotation: Annotation) -> list[str | tuple[str, str]]:
        """Its tags, whose it is (unless the reader's own), and the ways back to it."""
        parts: list[str | tuple[str, str]] = []
        if tags := tag_names(annotation):
            parts.append("Tags: " + ", ".join(tags))
        if whose := self.reader.whose(annotation):
            parts.append(whose)
        return parts + Book(self).links(annotation)

    def filename(self, scope: str) -> str:
        return super().filename(scope).removesuffix(".md") + "-pandoc.md"
