"""Collecting a Whoosh search's matches: scoring, the scope, the count and the facets.

One scored pass over every match gives the page, the count and the document numbers
the facets are counted from (from lists kept per segment: search.backends.whoosh.caches).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from math import log
from operator import itemgetter

from django.conf import settings
from haystack.constants import DJANGO_CT
from whoosh import collectors
from whoosh import query as wq
from whoosh.scoring import BM25F, BM25FScorer, WeightLengthScorer, WeightScorer
from whoosh.sorting import ColumnCategorizer, FieldFacet, MultiFacet

from annotations.permissions import Viewer
from search import limits, syntax, tagging
from search.backends import AUDIENCE_FIELD, PARAGRAPH_CT, TAGS_FIELD
from search.backends.whoosh.caches import SegmentCaches
from search.backends.whoosh.clock import DeadlineCollector
from search.fields import NONE


def paragraph_count(searcher) -> int:
    """How many paragraph documents the index holds: the N of the paragraphs' statistics."""
    return searcher.doc_frequency(DJANGO_CT, PARAGRAPH_CT) or 1


class CommonplaceWeighting(BM25F):
    """Whoosh's BM25F for paragraphs, with statistics that owe nothing to readers' notes;
    plain term frequency for notes.

    Notes share the index, and BM25F counts every document in it: a word in someone's
    private note, or merely their number, would shift every paragraph's score, which
    anyone can read in /api/search. So a paragraph field's IDF and average length count
    paragraphs only, and notes are ranked by what they hold, with no statistics drawn
    from other people's notes.

    Field lengths come from a list kept per segment: BM25F needs the length of every
    matching document, and Whoosh reads each one from the column file (a third of the
    time a frequent word's search takes); the lists cost 30 ms per 20,000 documents, once
    per segment.
    """

    def __init__(self, caches: SegmentCaches):
        super().__init__()
        self.caches = caches

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        return log(paragraph_count(parent) / (parent.doc_frequency(fieldname, text) + 1)) + 1

    def scorer(self, searcher, fieldname, text, qf=1):
        if fieldname in syntax.NOTE_FIELDS.values():
            return WeightScorer.for_(searcher, fieldname, text)
        scorer = super().scorer(searcher, fieldname, text, qf)
        if isinstance(scorer, BM25FScorer):
            parent = searcher.get_parent()
            scorer.avgfl = parent.field_length(fieldname) / paragraph_count(parent) or 1
        reader = searcher.reader()
        if isinstance(scorer, WeightLengthScorer) and reader.is_atomic():
            scorer.dfl = self.caches.lengths(reader, fieldname).__getitem__
        return scorer


@dataclass(frozen=True)
class Scope:
    """What a search is limited to besides its words: conditions to meet, a mask."""

    conditions: list[wq.Query]
    mask: set[int] | None


def union(mask: set[int] | None, more: set[int]) -> set[int] | None:
    """A mask with more documents in it; the cached mask itself is never changed."""
    if not more:
        return mask
    return more if mask is None else mask | more


def tag_condition(tag: str, viewer: Viewer) -> wq.Query:
    if tag == NONE:
        visible = [wq.Prefix(TAGS_FIELD, prefix) for prefix in tagging.prefixes(viewer)]
        return wq.Not(wq.Or(visible)) if visible else wq.Every()
    tokens = tagging.tokens_for(viewer, tag)
    return wq.Or([wq.Term(TAGS_FIELD, token) for token in tokens]) if tokens else wq.NullQuery


def carries(tag: str, viewer: Viewer, tokens: str) -> bool:
    """Whether a document with these tag tokens meets the tag filter, for this viewer."""
    slugs = tagging.visible_slugs(viewer, tokens)
    return not slugs if tag == NONE else tag in slugs


def audience_condition(viewer: Viewer) -> wq.Query:
    """The notes this viewer may see: those written for an audience they hold."""
    allowed = [wq.Term(AUDIENCE_FIELD, audience) for audience in sorted(viewer.audiences)]
    return wq.Or(allowed) if allowed else wq.NullQuery


class _Recorder(collectors.WrappingCollector):
    """Passes every match on, and keeps its document number for counting facets."""

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.docnums = []

    def collect(self, sub_docnum):
        self.docnums.append(self.offset + sub_docnum)
        return self.child.collect(sub_docnum)

    def collect_matches(self):
        for sub_docnum in self.child.matches():
            self.collect(sub_docnum)


def collect(searcher, query, limit: int, sortedby, mask: set[int] | None) -> tuple:
    """The top `limit` results, and the sorted numbers of every matching document outside
    the mask.

    One scored pass over every match. Whoosh's top-N shortcuts (block quality, and
    replacing the matcher once the heap is full) skip matches, so the count and the facets
    would need a second pass; on 40,000 paragraphs the single full pass is faster, most
    of all for prefix queries, whose many terms make the shortcuts costly.
    """
    if sortedby is not None:
        top = collectors.SortingCollector(sortedby, limit=limit)
    else:
        top = collectors.TopCollector(limit=limit, usequality=False)
    top.replace = 0
    bounds = budgeted_limits()
    recorder = _Recorder(DeadlineCollector(top, bounds))
    collector = recorder if mask is None else collectors.FilterCollector(recorder, restrict=mask)
    try:
        searcher.search_with_collector(query, collector)
    except collectors.TimeLimit:
        bounds.out_of_time()  # what was collected until then stands
    return collector.results(), sorted(recorder.docnums)


def budgeted_limits() -> limits.SearchLimits:
    """This search's limits, with the time budget of the settings."""
    bounds = limits.current()
    bounds.allow(settings.COMMONPLACE_SEARCH_BUDGET_MS / 1000)
    return bounds


def count_facets(
    caches: SegmentCaches,
    searcher,
    docnums: list[int],
    names,
    viewer: Viewer,
    tag_overrides: dict[int, str],
) -> dict[str, Counter]:
    """How many of the (sorted) documents hold each value of each facet field. For tags,
    each tag the viewer may see, counted once per document, and NONE for documents with
    none the viewer may see; tag_overrides gives documents' tag tokens as the database
    has them now, where the index may be behind.

    Whoosh's facet collector categorises each match in Python and forces every match to
    be scored; counting from lists kept per segment costs a fraction of that.
    """
    counts = {name: Counter() for name in names}
    for reader, offset, segment_docnums in _by_segment(searcher, docnums):
        local = [docnum - offset for docnum in segment_docnums]
        pick = itemgetter(*local)
        for name in names:
            if name == TAGS_FIELD:
                overrides = {d - offset: t for d, t in tag_overrides.items() if d >= offset}
                tagged = _tagged_documents(caches, reader)
                _count_tags(counts[name], tagged, local, viewer, overrides)
            else:
                picked = pick(caches.values(reader, name))
                counts[name].update(picked if len(local) > 1 else (picked,))
    return counts


def _tagged_documents(caches: SegmentCaches, reader) -> dict[int, str]:
    """The tag tokens of the documents of one segment that have any: a few among many."""
    return caches.segment_data(
        reader,
        ("tagged", TAGS_FIELD),
        lambda: {d: tokens for d, tokens in enumerate(caches.values(reader, TAGS_FIELD)) if tokens},
    )


def _count_tags(counts: Counter, tagged: dict, local: list[int], viewer, overrides) -> None:
    without = len(local)
    for docnum in (tagged.keys() | overrides.keys()) & set(local):
        slugs = tagging.visible_slugs(viewer, overrides.get(docnum, tagged.get(docnum)))
        if slugs:
            counts.update(slugs)
            without -= 1
    if without:
        counts[NONE] += without


def _by_segment(searcher, docnums: list[int]) -> Iterator[tuple]:
    """(segment reader, its first document number, the sorted docnums in it) per segment
    that holds any of them."""
    leaves = searcher.leaf_searchers()
    for index, (leaf, offset) in enumerate(leaves):
        low = bisect_left(docnums, offset)
        high = (
            len(docnums) if index + 1 == len(leaves) else bisect_left(docnums, leaves[index + 1][1])
        )
        if low < high:
            yield leaf.reader(), offset, docnums[low:high]


def sorted_by(caches: SegmentCaches, names) -> MultiFacet | None:
    return MultiFacet([_CachedFieldFacet(name, caches) for name in names]) if names else None


class _CachedColumnCategorizer(ColumnCategorizer):
    """Whoosh opens a column reader per facet per search (about 5 ms each on 40,000
    paragraphs). Keep it per segment reader, which outlives searches until a commit."""

    def __init__(self, global_searcher, fieldname, reverse, caches: SegmentCaches):
        super().__init__(global_searcher, fieldname, reverse)
        self._caches = caches

    def set_searcher(self, segment_searcher, docoffset):
        reader = segment_searcher.reader()
        self._creader = self._caches.kept(
            reader,
            ("column", self._fieldname, self._reverse),
            lambda: reader.column_reader(self._fieldname, reverse=self._reverse, translate=False),
        )
        self._names = {}

    def key_to_name(self, key):
        # Called once per matching document: decode each distinct value only once.
        try:
            return self._names[key]
        except KeyError:
            name = self._names[key] = super().key_to_name(key)
            return name


class _CachedFieldFacet(FieldFacet):
    def __init__(self, fieldname: str, caches: SegmentCaches):
        super().__init__(fieldname)
        self._caches = caches

    def categorizer(self, global_searcher):
        if global_searcher.reader().has_column(self.fieldname) and not self.allow_overlap:
            return _CachedColumnCategorizer(
                global_searcher, self.fieldname, self.reverse, self._caches
            )
        return super().categorizer(global_searcher)
