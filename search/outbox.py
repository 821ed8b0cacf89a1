"""What the search index must take in, recorded in the transaction that makes a change.

Each PendingIndexUpdate row names an object whose index entry must be made again: an
article (all its paragraphs), a paragraph (its tags) or an annotation (its note). The
rows are written beside the change, so that the two commit, or fail, together; they are
applied later by whoever holds the index (search.indexing), and search reads the rows
still pending to correct what the index would say (search.freshness).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from search.models import PendingIndexUpdate

Kind = PendingIndexUpdate.Kind


def record(kind: str, ids: Iterable[int]) -> None:
    _write(_rows(kind, ids))


def _rows(kind: str, ids: Iterable[int]) -> list[PendingIndexUpdate]:
    return [PendingIndexUpdate(kind=kind, object_id=pk) for pk in set(ids) if pk is not None]


def _write(rows: list[PendingIndexUpdate]) -> None:
    if rows:
        PendingIndexUpdate.objects.bulk_create(rows)


def articles_changed(ids: Iterable[int]) -> None:
    record(Kind.ARTICLE, ids)


class Outbox:
    """An outbox as annotations.changes writes to it: annotations' documents and
    paragraphs' tags to make again."""

    def record(self, *, annotations: Iterable[int] = (), paragraphs: Iterable[int] = ()) -> None:
        # One INSERT for both: a save's every query is paid by the user who waits for it.
        _write(_rows(Kind.ANNOTATION, annotations) + _rows(Kind.PARAGRAPH, paragraphs))

    def articles_changed(self, ids: Iterable[int]) -> None:
        articles_changed(ids)


def pending_count() -> int:
    return PendingIndexUpdate.objects.count()


@dataclass(frozen=True)
class Lag:
    """How far the index is behind the database: rows pending, and the oldest one's age."""

    pending: int
    oldest_seconds: float


def lag() -> Lag:
    # The first row by key is the oldest give or take a transaction: no scan, no index.
    oldest = PendingIndexUpdate.objects.order_by("pk").values_list("created", flat=True).first()
    if oldest is None:
        return Lag(0, 0.0)
    age = (timezone.now() - oldest).total_seconds()
    return Lag(pending_count(), max(0.0, age))
