"""What follows an ingest, wherever it runs (the ingest command, an upload's job): the
search index takes in what changed, and annotations move with their text, tallied."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from annotations.reanchor import Tally, reanchor_article
from archive.models import Article
from search.indexing import IngestIndex


class Followers:
    def __init__(self, index: IngestIndex):
        self.index = index
        self.annotations: Counter[str] = Counter()  # moved, fuzzy, orphaned, unchanged

    def on_rewritten(self, article: Article, old, new) -> Tally:
        tally = reanchor_article(article.pk, old, new, changes=self.index)
        self.annotations.update({str(outcome): n for outcome, n in tally.counts.items()})
        return tally


@contextmanager
def followers() -> Iterator[Followers]:
    """Holding the index for the whole ingest; raises search.backends.IndexBusy when
    another process holds it."""
    with IngestIndex() as index:
        yield Followers(index)
