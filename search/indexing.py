"""The one path by which the database reaches the search index.

Changes are recorded as PendingIndexUpdate rows inside the transaction that makes them.
After commit, flush() takes the index write lock, applies every pending row with one
writer and one commit, and deletes the rows it applied. Whoever holds the lock applies
everyone's pending rows, so concurrent processes group their commits; a process that dies
before flushing leaves its rows for the next flush.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from haystack import connections

from archive.models import Paragraph
from search.models import PendingIndexUpdate

logger = logging.getLogger(__name__)

# Pending rows applied per commit; a bigger backlog takes several commits.
FLUSH_BATCH = 2_000
QUERY_CHUNK = 2_000

_state = threading.local()


def backend():
    return connections["default"].get_backend()


def paragraph_index():
    return connections["default"].get_unified_index().get_index(Paragraph)


def enqueue_articles(article_ids: Iterable[int]) -> None:
    """Record that these articles' paragraphs must be re-indexed, then flush on commit."""
    rows = [
        PendingIndexUpdate(kind=PendingIndexUpdate.Kind.ARTICLE, object_id=pk)
        for pk in set(article_ids)
    ]
    if not rows:
        return
    PendingIndexUpdate.objects.bulk_create(rows)
    if not getattr(_state, "deferred", 0):
        transaction.on_commit(flush_safely)


def begin_deferral() -> None:
    """From now on, queue index updates without flushing at each commit."""
    _state.deferred = getattr(_state, "deferred", 0) + 1


def end_deferral() -> None:
    """Stop deferring and apply everything queued meanwhile."""
    _state.deferred = max(getattr(_state, "deferred", 0) - 1, 0)
    if not _state.deferred:
        flush()


@contextmanager
def deferred() -> Iterator[None]:
    begin_deferral()
    try:
        yield
    finally:
        end_deferral()


def pending_count() -> int:
    return PendingIndexUpdate.objects.count()


def flush() -> int:
    """Apply every pending update to the index; returns how many rows were applied."""
    applied = 0
    search = backend()
    while True:
        with search.write_lock():
            rows = list(
                PendingIndexUpdate.objects.values_list("pk", "kind", "object_id")[:FLUSH_BATCH]
            )
            if not rows:
                return applied
            article_ids = sorted({object_id for _, kind, object_id in rows if kind == "article"})
            _write_articles(search, article_ids)
            pks = [pk for pk, _, _ in rows]
            for start in range(0, len(pks), QUERY_CHUNK):
                PendingIndexUpdate.objects.filter(pk__in=pks[start : start + QUERY_CHUNK]).delete()
            applied += len(rows)


def flush_safely() -> None:
    """flush() after a web request's commit: a failure must not fail the request.

    The rows stay pending, so the next flush (or update_index) applies them.
    """
    try:
        flush()
    except Exception:
        logger.exception("Search index update deferred: it will be retried on the next write")


def _write_articles(search, article_ids: list[int]) -> None:
    search.write(
        delete_terms=[("article_id", str(pk)) for pk in article_ids],
        documents=search.prepare(paragraph_index(), _paragraphs(article_ids)),
    )


def _paragraphs(article_ids: list[int]) -> Iterator[Paragraph]:
    queryset = paragraph_index().index_queryset()
    for start in range(0, len(article_ids), QUERY_CHUNK):
        chunk = article_ids[start : start + QUERY_CHUNK]
        yield from queryset.filter(article_id__in=chunk).iterator(chunk_size=QUERY_CHUNK)


def rebuild() -> int:
    """Index every paragraph from the database, replacing the index at one commit."""
    search = backend()
    index = paragraph_index()
    with search.write_lock():
        pending = list(PendingIndexUpdate.objects.values_list("pk", flat=True))
        added = search.write(
            documents=search.prepare(
                index, index.index_queryset().iterator(chunk_size=QUERY_CHUNK)
            ),
            replace_all=True,
        )
        for start in range(0, len(pending), QUERY_CHUNK):
            PendingIndexUpdate.objects.filter(pk__in=pending[start : start + QUERY_CHUNK]).delete()
    return added
