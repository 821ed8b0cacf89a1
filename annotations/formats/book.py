"""The commonplace book's structure, shared by its Markdown and Word formats: excerpts
grouped by article or by tag, under a title and a line saying what the book holds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, groupby
from operator import attrgetter

from django.utils import timezone

from annotations.formats.base import Exporter, chunked, citation, tag_names
from annotations.formats.references import references_of
from annotations.models import Annotation, Tag
from archive.styles import Reference, formatted


class Book:
    """Groups of excerpts, each under its heading."""

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
        # In the order the tag pages use, whatever the case of a name.
        for tag in sorted(tags.distinct(), key=lambda tag: (tag.name.casefold(), tag.pk)):
            names.setdefault(tag.slug, tag.name)
        for slug, name in names.items():
            yield name, chunked(annotations.filter(tags__slug=slug))
        untagged = annotations.filter(tags=None)
        if untagged.exists():
            yield "Untagged", chunked(untagged)

    def subtitle(self) -> str:
        total = self.exporter.annotations.count()
        when = timezone.localdate()
        if not total:
            return f"Exported from Commonplace on {when.day} {when:%B %Y}: {self.why_empty()}"
        return (
            f"Exported from Commonplace on {when.day} {when:%B %Y}: {total} excerpt"
            f"{'' if total == 1 else 's'}, grouped by {self.exporter.group}."
        )

    def why_empty(self) -> str:
        if self.exporter.reader.viewer.sees_nothing:
            return "no excerpts, since annotations are shown only to readers who sign in."
        return "no excerpts, since no annotation you can see matches this selection."

    def links(self, annotation: Annotation) -> list[tuple[str, str]]:
        """The ways back to an excerpt: its permalink, and the passage in the page the
        article first appeared on, where that is known."""
        links = [("Permalink", self.exporter.links.permalink(annotation))]
        if original := self.exporter.links.original_passage(annotation):
            links.append(("In the original", original))
        return links

    def references(self) -> list[Reference]:
        """Each article the excerpts come from, once, in the export's style."""
        return formatted(references_of(self.exporter), self.exporter.style)

    def under_quote(self, annotation: Annotation) -> list[str]:
        """The lines that follow an excerpt's quote: its citation, its tags, and whose it
        is when it is not the reader's own."""
        lines = [f"— {citation(annotation)}"]
        if tags := tag_names(annotation):
            lines.append("Tags: " + ", ".join(tags))
        if whose := self.exporter.reader.whose(annotation):
            lines.append(whose)
        return lines
