"""What a Whoosh backend keeps between searches, in one object of its own.

Per segment (whose files never change once written): per-document lists read from them
(column values, field lengths, tagged documents), until a searcher no longer reads that
segment (merged away). Per segment reader: column readers, which read its open files.
Per searcher (which lives until a commit replaces it): the sets of documents that masks
and audiences stand for. Readers and searchers are kept by weak reference, so whatever
Whoosh lets go of is dropped here too.

Whoosh 2.7 opens every segment afresh when a searcher is refreshed after a commit: it
means to reuse the readers of unchanged segments, but looks them up by generation rather
than by segment id, and never finds one. Kept per reader, the lists were read again after
every commit, which under steady writes is before nearly every search.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from weakref import WeakKeyDictionary

from whoosh import query as wq
from whoosh.reading import TermNotFound

# Document sets kept per searcher between commits: the mask and the readers latest seen.
KEPT_DOCUMENT_SETS = 64
# Unique terms whose document a segment was asked for, kept per segment up to this many.
KEPT_TERM_LOOKUPS = 100_000
_UNKNOWN, _SEVERAL = object(), object()


class SegmentCaches:
    def __init__(self) -> None:
        self._by_reader: WeakKeyDictionary = WeakKeyDictionary()
        self._by_segment: dict[str, dict] = {}
        self._by_searcher: WeakKeyDictionary = WeakKeyDictionary()
        self._lock = threading.Lock()

    def kept(self, reader, key: tuple, build: Callable):
        """build(), once per segment reader and key."""
        return self._kept(self._by_reader, reader, key, build)

    def segment_data(self, reader, key: tuple, build: Callable):
        """build(), once per segment and key: for what is read from the segment's files
        alone (not its deletions, which change), whichever reader asks."""
        return self._kept(self._by_segment, reader.segment().segment_id(), key, build)

    def _kept(self, table, owner, key: tuple, build: Callable):
        with self._lock:
            kept = table.setdefault(owner, {})
        found = kept.get(key)
        if found is None:
            found = kept[key] = build()
        return found

    def keep_only_segments_of(self, searcher) -> None:
        """Forget what was kept of segments this searcher (the newest) does not read."""
        segments = (leaf.segment() for leaf, _ in searcher.reader().leaf_readers())
        current = {segment.segment_id() for segment in segments if segment is not None}
        with self._lock:
            for segment in self._by_segment.keys() - current:
                del self._by_segment[segment]

    def values(self, reader, fieldname: str) -> list:
        """Every document's value of a column field in one segment."""
        return self.segment_data(
            reader, ("values", fieldname), lambda: list(reader.column_reader(fieldname))
        )

    def lengths(self, reader, fieldname: str) -> list[int]:
        """Every document's length in a field in one segment, as BM25F reads it."""
        return self.segment_data(
            reader,
            ("lengths", fieldname),
            lambda: [
                reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())
            ],
        )

    def document_numbers(self, searcher, fieldname: str, terms) -> dict[str, int]:
        """{term: the number of the live document holding it} for terms of a unique field.

        Looking a term up costs a read of every segment's term table (and Whoosh copies a
        segment's deletions at each), so searches while the index is behind, which look
        up every pending row, grew with the lag times the segments. Which document of a
        segment holds a term is a fact about the segment's files, which never change: it
        is kept per segment, and whether that document is deleted is asked of the reader
        at hand (searchers of different generations see different deletions).
        """
        found = {}
        for reader, offset in searcher.reader().leaf_readers():
            if reader.segment() is None:  # an empty index
                continue
            kept = self.segment_data(reader, ("holders", fieldname), dict)
            if len(kept) > KEPT_TERM_LOOKUPS:
                kept.clear()
            for term in terms:
                holder = kept.get(term, _UNKNOWN)  # one read: another thread may clear it
                if holder is _UNKNOWN:
                    holder = kept[term] = _only_holder(reader, fieldname, term)
                if holder is _SEVERAL:  # never written so; asked of Whoosh each time
                    holder = _first_live(reader, fieldname, term)
                if holder is not None and not reader.is_deleted(holder):
                    found[term] = offset + holder
        return found

    def documents_matching(self, searcher, query: wq.Query) -> set[int]:
        """The numbers of the documents a query matches, kept until a commit replaces the
        searcher. Whoosh would otherwise run a mask's query again for every search (10 ms
        for 2,000 annotations among 40,000 paragraphs).

        Each reader's visible notes are one such query, so between commits the most
        recently used KEPT_DOCUMENT_SETS are kept, not one set per reader who searched.
        """
        with self._lock:
            kept = self._by_searcher.setdefault(searcher, OrderedDict())
        key = repr(query)
        found = kept.pop(key, None)
        if found is None:
            found = set(searcher.docs_for_query(query))
            while len(kept) >= KEPT_DOCUMENT_SETS:
                kept.popitem(last=False)
        kept[key] = found  # last in order: the most recently used
        return found


def _only_holder(reader, fieldname: str, term: str):
    """The document of the segment that holds the term, deleted or not (from the term's
    statistics, written with the segment); None if none does; _SEVERAL if more than one."""
    try:
        info = reader.term_info(fieldname, term)
    except TermNotFound:
        return None
    return info.min_id() if info.doc_frequency() == 1 else _SEVERAL


def _first_live(reader, fieldname: str, term: str) -> int | None:
    try:
        return reader.first_id(fieldname, term)
    except TermNotFound:
        return None
