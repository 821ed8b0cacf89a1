"""The commonplace book's structure, shared by its Markdown and Word formats: excerpts
grouped by article or by tag, under a title and a line saying what the book holds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, groupby
from operator import attrgetter

from django.utils import timezone

from annotations.formats.base import Exporter, chunked
from annotations.models import Annotation, Tag


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
