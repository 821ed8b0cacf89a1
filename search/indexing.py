"""The one path by which the database reaches the search index.

Changes are recorded as PendingIndexUpdate rows inside the transaction that makes them
(search.outbox). Whoever applies them takes the index write lock, applies the pending
rows in order with one writer and one commit per batch, and deletes the rows it applied.
Whoever holds the lock applies everyone's pending rows, so concurrent processes group
their commits: a request that finds the lock taken waits (briefly) for its rows to be
applied, usually by the holder; a process that dies before applying leaves its rows for
the next flush. Documents are built from the database at flush time, so a late flush
never writes stale data.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from haystack import connections
from haystack.constants import DJANGO_CT, ID
from haystack.utils import get_model_ct

from annotations.models import Annotation, TaggedAnnotation
from archive.models import Article, Paragraph
from search import outbox, tagging
from search.models import PendingIndexUpdate

logger = logging.getLogger(__name__)

Kind = PendingIndexUpdate.Kind
# How often a request whose update another process is applying looks whether it is done.
BUSY_POLL_SECONDS = 0.02
# Pending rows applied per commit; a bigger backlog takes several commits.
FLUSH_BATCH = 2_000
QUERY_CHUNK = 2_000
# Articles read at once when indexing whole articles: about 2,000 paragraphs.
ARTICLE_CHUNK = 50
# While an ingest runs, apply once this many rows are waiting, not after every file.
# Each flush leaves a segment (one per writing process) that every search then visits,
# and fuzzy words and "did you mean" cost a look-up in each: at 100, 1,000 articles left
# 11 segments and search ran 1.77x bare Whoosh; at 500 and two writing processes they
# left 6 and it ran 1.49x. At 2,000 an ingest of 4,000 leaves 4; one flush takes about
# four minutes on two cores, which is as long as others' changes wait during an ingest.
INGEST_FLUSH_ARTICLES = 2_000
# Re-indexing this many articles (about 2,000 paragraphs) is worth starting processes for.
PARALLEL_ARTICLES = 50

_state = threading.local()


def backend():
    return connections["default"].get_backend()


def index_for(model):
    return connections["default"].get_unified_index().get_index(model)


# Applying them --------------------------------------------------------------------------


def flush() -> int:
    """Apply every pending update to the index, waiting for the lock; returns the rows
    applied."""
    return drain(wait=True)


def apply_briefly() -> bool:
    """After a request that changed something: apply what is pending, waiting for the
    index at most settings.COMMONPLACE_INDEX_WAIT_SECONDS, once; returns whether all of it
    was applied. Whatever is left stays pending for the next flush: nothing depends on the
    index being current (search.freshness).

    Holding the lock, this process applies every pending row in order, so the requests
    that wait meanwhile usually find theirs applied when the holder lets go, and return
    without a commit of their own: one commit serves many writers.
    """
    last = PendingIndexUpdate.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return True
    try:
        return flush_until_applied(last)
    except Exception:
        logger.exception("Search index update deferred: it will be retried on the next write")
        return False


def flush_until_applied(last: int) -> bool:
    """Return once every pending row up to `last` is in the index, applied by whoever got
    there first, or once this thread's wait allowance is over."""
    search = backend()
    mine = PendingIndexUpdate.objects.filter(pk__lte=last)
    # A thread that found the index busy does not wait again at once: its wait is one
    # allowance, not one per change it made.
    waited_out = time.monotonic() < getattr(_state, "busy_until", 0)
    allowance = 0 if waited_out else settings.COMMONPLACE_INDEX_WAIT_SECONDS
    deadline = time.monotonic() + allowance
    # A holder keeps applying for others a while longer (see below), never forever.
    helping_until = deadline + settings.COMMONPLACE_INDEX_WAIT_SECONDS
    while True:
        with search.write_lock(wait=False) as held:
            if held:
                while _apply_batch(search):
                    pass
        if held:
            # A writer that found the index busy while this process held it may have
            # given up waiting; its rows, committed before it gave up, are still here.
            # So a holder that lets go of a non-empty outbox tries again: the chain of
            # holders ends with one that lets go of an empty outbox.
            if not PendingIndexUpdate.objects.exists() or time.monotonic() >= helping_until:
                return True
            continue
        if not mine.exists():
            return True
        if time.monotonic() >= deadline:
            logger.info("The search index is busy: updates up to %d stay pending", last)
            _state.busy_until = time.monotonic() + settings.COMMONPLACE_INDEX_WAIT_SECONDS
            return False
        _pause()


def _pause() -> None:
    time.sleep(BUSY_POLL_SECONDS)


def flush_safely() -> None:
    """Apply everything pending; a failure is logged, never raised: the rows stay pending,
    so the next flush (or update_index) applies them."""
    try:
        flush()
    except Exception:
        logger.exception("Search index update deferred: it will be retried on the next write")


class AppliedAfterCommit(outbox.Outbox):
    """The application's outbox (connected by commonplace.apps): what a request, a command
    or the admin records is applied as soon as its transaction commits, waiting for the
    index only briefly (apply_briefly)."""

    def record(self, **changes) -> None:
        super().record(**changes)
        transaction.on_commit(apply_briefly)

    def articles_changed(self, ids) -> None:
        super().articles_changed(ids)
        transaction.on_commit(apply_briefly)


class IngestIndex(outbox.Outbox):
    """What an ingest tells the index (archive.ingest.ArticleIndex), and the outbox that
    re-anchoring writes to meanwhile: rows are recorded in each file's transaction, and
    applied in bulk once INGEST_FLUSH_ARTICLES are waiting, and at the end.

    Used as a context manager, it holds the index for the whole ingest: otherwise the
    index worker (or, inline, a request) would apply each file's rows as it commits, a
    segment a file. Others' changes meanwhile are applied at the ingest's flushes.
    """

    def __enter__(self) -> IngestIndex:
        self._held = backend().write_lock()
        self._held.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self._held.__exit__(*exc_info)

    def file_committed(self) -> None:
        if outbox.pending_count() >= INGEST_FLUSH_ARTICLES:
            flush_safely()

    def finished(self) -> None:
        flush_safely()


def drain(keep_going=lambda: True, wait: bool = False) -> int | None:
    """Apply pending rows a batch at a time, the lock taken for each, while keep_going()
    says so; returns the rows applied. Without wait (the index worker's turn,
    search.worker), None when another process holds the index (an ingest, a rebuild): the
    worker tries again later instead of queueing."""
    search = backend()
    applied = 0
    while keep_going():
        with search.write_lock(wait=wait) as held:
            if not held:
                return applied or None
            batch = _apply_batch(search)
        if not batch:
            break
        applied += batch
    return applied


def _apply_batch(search) -> int:
    """Apply up to FLUSH_BATCH pending rows in one commit; the caller holds the lock."""
    pending = PendingIndexUpdate.objects.order_by("pk")
    rows = list(pending.values_list("pk", "kind", "object_id")[:FLUSH_BATCH])
    if not rows:
        return 0
    by_kind: dict[str, set[int]] = defaultdict(set)
    for _, kind, object_id in rows:
        by_kind[kind].add(object_id)
    _apply(search, by_kind)
    pks = [pk for pk, _, _ in rows]
    for start in range(0, len(pks), QUERY_CHUNK):
        PendingIndexUpdate.objects.filter(pk__in=pks[start : start + QUERY_CHUNK]).delete()
    return len(rows)


def _apply(search, by_kind: dict[str, set[int]]) -> None:
    article_ids = sorted(by_kind.get(Kind.ARTICLE, ()))
    # Paragraphs of re-indexed articles are written with their article.
    paragraph_ids = sorted(by_kind.get(Kind.PARAGRAPH, set()))
    annotation_ids = sorted(by_kind.get(Kind.ANNOTATION, ()))
    paragraph_ct = get_model_ct(Paragraph)
    deletes = [((DJANGO_CT, paragraph_ct), ("article_id", str(pk))) for pk in article_ids]
    deletes += [((ID, f"{paragraph_ct}.{pk}"),) for pk in paragraph_ids]
    deletes += [((ID, f"{get_model_ct(Annotation)}.{pk}"),) for pk in annotation_ids]
    paragraphs = _chain(
        _paragraphs("article_id__in", article_ids, ARTICLE_CHUNK),
        _paragraphs("pk__in", paragraph_ids, QUERY_CHUNK, exclude_articles=article_ids),
    )
    documents = _chain(
        search.prepare(index_for(Paragraph), paragraphs),
        search.prepare(index_for(Annotation), _annotations(annotation_ids)),
    )
    search.write(
        delete_terms=deletes, documents=documents, parallel=len(article_ids) >= PARALLEL_ARTICLES
    )


def _chain(*iterables: Iterable) -> Iterator:
    for iterable in iterables:
        yield from iterable


def _paragraphs(
    lookup: str, ids: list[int], chunk_size: int, exclude_articles: list[int] = ()
) -> Iterator[Paragraph]:
    """Paragraphs, in chunks, each carrying the tag tokens of the annotations on it."""
    queryset = index_for(Paragraph).index_queryset().exclude(article_id__in=exclude_articles)
    for start in range(0, len(ids), chunk_size):
        chunk = list(queryset.filter(**{lookup: ids[start : start + chunk_size]}))
        tokens = _tag_tokens((p.pk, p.article_id, p.position) for p in chunk)
        for paragraph in chunk:
            paragraph.tag_tokens = tokens.get(paragraph.pk, set())
            yield paragraph


def _annotations(ids: list[int]) -> Iterator[Annotation]:
    queryset = index_for(Annotation).index_queryset()
    for start in range(0, len(ids), QUERY_CHUNK):
        yield from queryset.filter(pk__in=ids[start : start + QUERY_CHUNK])


def tag_tokens_of(paragraph_ids: Iterable[int]) -> dict[int, set[str]]:
    """The tag tokens of these paragraphs as the database has them now (a paragraph that
    no longer exists has none)."""
    paragraphs = Paragraph.objects.filter(pk__in=list(paragraph_ids))
    return _tag_tokens(paragraphs.order_by().values_list("pk", "article_id", "position"))


def _tag_tokens(placed: Iterable[tuple[int, int, int]]) -> dict[int, set[str]]:
    """For each paragraph given as (pk, article id, position), the tag tokens of the
    annotations covering it. Each tagging that may reach them is read once and its span
    walked: a search while the index is behind asks this of every pending paragraph, and
    comparing each paragraph with every span of its article grew with the article's
    annotations times the paragraphs asked about."""
    at = {(article_id, position): pk for pk, article_id, position in placed}
    if not at:
        return {}
    positions = [position for _, position in at]
    found = (
        TaggedAnnotation.objects.filter(
            content_object__article_id__in={article_id for article_id, _ in at},
            content_object__start_paragraph__position__lte=max(positions),
            content_object__end_paragraph__position__gte=min(positions),
        )
        .exclude(content_object__anchor=Annotation.Anchor.ORPHANED)
        .values_list(
            "content_object__article_id",
            "content_object__start_paragraph__position",
            "content_object__end_paragraph__position",
            "content_object__audience",
            "tag__slug",
        )
    )
    tokens: dict[int, set[str]] = defaultdict(set)
    for article_id, first, last, audience, slug in found:
        token = tagging.token(audience, slug)
        for position in range(first, last + 1):
            pk = at.get((article_id, position))
            if pk is not None:
                tokens[pk].add(token)
    return tokens


def rebuild() -> Counter:
    """Index everything from the database, replacing the index at one commit; returns how
    many paragraphs and annotations were indexed."""
    search = backend()
    indexed = Counter()
    with search.write_lock():
        pending = list(PendingIndexUpdate.objects.values_list("pk", flat=True))
        article_ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        annotation_ids = list(Annotation.objects.values_list("pk", flat=True))
        paragraphs = _paragraphs("article_id__in", article_ids, ARTICLE_CHUNK)
        documents = _chain(
            search.prepare(index_for(Paragraph), _counted(indexed, "paragraphs", paragraphs)),
            search.prepare(
                index_for(Annotation),
                _counted(indexed, "annotations", _annotations(annotation_ids)),
            ),
        )
        search.write(documents=documents, replace_all=True, parallel=True)
        for start in range(0, len(pending), QUERY_CHUNK):
            PendingIndexUpdate.objects.filter(pk__in=pending[start : start + QUERY_CHUNK]).delete()
        # Changes made while it ran, whose requests found the index busy and went on.
        while _apply_batch(search):
            pass
    return indexed


def _counted(counts: Counter, key: str, items: Iterable) -> Iterator:
    for item in items:
        counts[key] += 1
        yield item
