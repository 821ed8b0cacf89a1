"""The places that change annotations say so here, for the search index to follow.

The index keeps an outbox of what it must index again; this layer may not know it (layers
look down), so the composition layer connects it at start-up (`connect`). Every write of
an annotation records, inside its own transaction, the annotations whose documents
changed and the paragraphs whose tag tokens may have changed: nothing is applied here,
and nothing is missed by a signal that never fires (a bulk write, a cascade) or fires too
often (one per row loaded).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from archive.models import Paragraph


class Outbox(Protocol):
    def record(self, *, annotations: Iterable[int] = (), paragraphs: Iterable[int] = ()) -> None:
        """Inside the caller's transaction: these must be indexed again."""


_outbox: Outbox | None = None


def connect(outbox: Outbox) -> None:
    global _outbox
    _outbox = outbox


def outbox() -> Outbox:
    if _outbox is None:
        # Privacy depends on the index hearing of every change: never drop one silently.
        raise ImproperlyConfigured("annotations.changes has no outbox: is commonplace installed?")
    return _outbox


def annotations_changed(
    annotations: Iterable,
    *,
    tags_changed: bool = False,
    tags_moved: bool = False,
    to: Outbox | None = None,
) -> None:
    """Their documents change (note, quote, tags' names). The tag tokens of the paragraphs
    they cover (before and after a move) change too when their tags changed, or when their
    tags moved with them: to another passage, to another audience, or out (a deletion).
    A note's words alone leave paragraphs exactly as they were."""
    annotations = list(annotations)
    spans = set()
    for annotation in annotations:
        if tags_changed or (tags_moved and _carries_tags(annotation)):
            spans.update(annotation.spans_covered())
    (to or outbox()).record(
        annotations=[a.pk for a in annotations], paragraphs=paragraphs_spanned(spans)
    )


def _carries_tags(annotation) -> bool:
    return annotation.pk is not None and bool(annotation.tags.all())


def paragraphs_spanned(spans: Iterable[tuple[int | None, int | None]]) -> set[int]:
    """Every paragraph of each (first, last) paragraph span, both included; a paragraph
    that no longer exists counts (its document must lose its tags too). A span of one
    paragraph is its end; for longer ones, one query for their ends and one per article
    they lie in."""
    spans = {(first, last) for first, last in spans if first is not None and last is not None}
    ends = {pk for span in spans for pk in span}
    spans = {(first, last) for first, last in spans if first != last}
    if not spans:
        return ends
    unordered = Paragraph.objects.order_by()  # no join to the articles for their order
    where = {
        pk: (article_id, position)
        for pk, article_id, position in unordered.filter(pk__in=ends).values_list(
            "pk", "article_id", "position"
        )
    }
    ranges: dict[int, list[tuple[int, int]]] = {}
    for first, last in spans:
        if first in where and last in where and where[first][0] == where[last][0]:
            ranges.setdefault(where[first][0], []).append((where[first][1], where[last][1]))
    paragraphs = set(ends)
    for article_id, article_ranges in ranges.items():
        lowest = min(low for low, _ in article_ranges)
        highest = max(high for _, high in article_ranges)
        positions = unordered.filter(
            article_id=article_id, position__gte=lowest, position__lte=highest
        ).values_list("pk", "position")
        paragraphs.update(
            pk for pk, at in positions if any(low <= at <= high for low, high in article_ranges)
        )
    return paragraphs
