"""Haystack's Whoosh backend, reshaped around its measured traps.

- Bulk writes use one writer and plain adds, never a reader per document.
- Facet and keyword fields are ID columns, so facet values come back as stored.
- Prefix and fuzzy terms search an unstemmed copy of the text.
- "Did you mean" comes from the index's own vocabulary, only when hits are few.
- Every write goes through one cross-process file lock, so concurrent web processes wait
  their turn instead of raising LockError or dropping an update.
- Searchers are kept per thread and refreshed, not reopened for every query.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import islice
from math import log
from operator import itemgetter

from django.conf import settings
from django.utils.encoding import force_str
from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.models import SearchResult
from haystack.utils import get_identifier, get_model_ct
from whoosh import collectors
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID as WhooshID
from whoosh.fields import KEYWORD, NUMERIC, STORED, Schema
from whoosh.scoring import BM25F, BM25FScorer, WeightLengthScorer, WeightScorer
from whoosh.sorting import ColumnCategorizer, FieldFacet, MultiFacet
from whoosh.spelling import Corrector
from whoosh.writing import CLEAR

from annotations.permissions import Viewer
from search import syntax, tagging
from search.fields import NONE
from search.freshness import NONE as NO_CORRECTIONS
from search.freshness import Corrections
from search.highlighting import Highlighter
from search.limits import MAX_SUGGESTED_WORDS, DeadlineCollector, SearchLimits

logger = logging.getLogger(__name__)

TAGS_FIELD = "tags"
AUDIENCE_FIELD = "audience"
PARAGRAPH_CT = "archive.paragraph"
ANNOTATION_CT = "annotations.annotation"
_EMPTY_ANSWER = {"results": [], "hits": 0, "facets": {"fields": {}}, "spelling_suggestion": None}
# Below this many hits a "did you mean" is worth its cost.
SUGGEST_BELOW_HITS = 5
# Misspellings rarely touch the first letter; requiring it makes suggestions 20x faster.
SUGGEST_PREFIX = 1
# Documents /healthz's search looks at for one with words to search for, and its time.
PING_DOCUMENTS = 10
PING_SECONDS = 30
# Document sets kept per searcher between commits: the mask and the readers latest seen.
KEPT_DOCUMENT_SETS = 64


def _kept_on_segment(reader, key: tuple, build) -> list:
    """A per-document list built once and kept on the segment reader, which lives as
    long as its segment: searchers refreshed after a commit reuse unchanged segments."""
    cache = reader.__dict__.setdefault("_commonplace_lists", {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = build()
    return found


def segment_values(reader, fieldname: str) -> list:
    """Every document's value of a column field in one segment."""
    return _kept_on_segment(
        reader, ("values", fieldname), lambda: list(reader.column_reader(fieldname))
    )


def field_lengths(reader, fieldname: str) -> list[int]:
    """Every document's length in a field in one segment, as BM25F reads it."""
    return _kept_on_segment(
        reader,
        ("lengths", fieldname),
        lambda: [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())],
    )


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
            scorer.dfl = field_lengths(reader, fieldname).__getitem__
        return scorer


def count_facets(
    searcher, docnums: list[int], names, viewer: Viewer, tag_overrides: dict[int, str]
) -> dict[str, Counter]:
    """How many of the (sorted) documents hold each value of each facet field. For tags,
    each tag the viewer may see, counted once per document, and NONE for documents with
    none the viewer may see; tag_overrides gives documents' tag tokens as the database
    has them now, where the index may be behind.

    Whoosh's facet collector categorises each match in Python and forces every match to
    be scored; counting from lists kept per segment costs a fraction of that.
    """
    counts = {name: Counter() for name in names}
    if not counts:
        return counts
    for reader, offset, segment_docnums in _by_segment(searcher, docnums):
        local = [docnum - offset for docnum in segment_docnums]
        pick = itemgetter(*local)
        for name in names:
            if name == TAGS_FIELD:
                overrides = {d - offset: t for d, t in tag_overrides.items() if d >= offset}
                _count_tags(counts[name], tagged_documents(reader), local, viewer, overrides)
            else:
                picked = pick(segment_values(reader, name))
                counts[name].update(picked if len(local) > 1 else (picked,))
    return counts


def tagged_documents(reader) -> dict[int, str]:
    """The tag tokens of the documents of one segment that have any: a few among many."""
    return _kept_on_segment(
        reader,
        ("tagged", TAGS_FIELD),
        lambda: {
            d: tokens for d, tokens in enumerate(segment_values(reader, TAGS_FIELD)) if tokens
        },
    )


def _count_tags(
    counts: Counter,
    tagged: dict[int, str],
    local: list[int],
    viewer: Viewer,
    overrides: dict[int, str],
) -> None:
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


def _tag_condition(tag: str, viewer: Viewer) -> wq.Query:
    if tag == NONE:
        visible = [wq.Prefix(TAGS_FIELD, prefix) for prefix in tagging.prefixes(viewer)]
        return wq.Not(wq.Or(visible)) if visible else wq.Every()
    tokens = tagging.tokens_for(viewer, tag)
    return wq.Or([wq.Term(TAGS_FIELD, token) for token in tokens]) if tokens else wq.NullQuery


def _carries(tag: str, viewer: Viewer, tokens: str) -> bool:
    """Whether a document with these tag tokens meets the tag filter, for this viewer."""
    slugs = tagging.visible_slugs(viewer, tokens)
    return not slugs if tag == NONE else tag in slugs


def _audience_condition(viewer: Viewer) -> wq.Query:
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


def _union(mask: set[int] | None, more: set[int]) -> set[int] | None:
    """A mask with more documents in it; the cached mask itself is never changed."""
    if not more:
        return mask
    return more if mask is None else mask | more


@dataclass(frozen=True)
class Scope:
    """What a search is limited to besides its words: conditions to meet, a mask."""

    conditions: list[wq.Query]
    mask: set[int] | None


def documents_matching(searcher, query: wq.Query) -> set[int]:
    """The numbers of the documents a query matches, kept on the searcher until a commit
    replaces it. Whoosh would otherwise run a mask's query again for every search (10 ms
    for 2,000 annotations among 40,000 paragraphs).

    Each reader's visible notes are one such query, so between commits the most recently
    used KEPT_DOCUMENT_SETS are kept, not one set per reader who ever searched.
    """
    cache = searcher.__dict__.setdefault("_commonplace_documents", {})
    key = repr(query)
    found = cache.pop(key, None)
    if found is None:
        found = set(searcher.docs_for_query(query))
        if len(cache) >= KEPT_DOCUMENT_SETS:
            del cache[next(iter(cache))]
    cache[key] = found  # last in the dict's order: the most recently used
    return found


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
    limits = budgeted_limits()
    recorder = _Recorder(DeadlineCollector(top, limits))
    collector = recorder if mask is None else collectors.FilterCollector(recorder, restrict=mask)
    try:
        searcher.search_with_collector(query, collector)
    except collectors.TimeLimit:
        limits.out_of_time()  # what was collected until then stands
    return collector.results(), sorted(recorder.docnums)


def budgeted_limits() -> SearchLimits:
    """This search's limits, with the time budget of the settings."""
    limits = syntax.current_limits()
    limits.allow(settings.COMMONPLACE_SEARCH_BUDGET_MS / 1000)
    return limits


class _CachedColumnCategorizer(ColumnCategorizer):
    """Whoosh opens a column reader per facet per search (about 5 ms each on 40,000
    paragraphs). Keep it on the segment reader, which outlives searches until its
    segment changes."""

    def set_searcher(self, segment_searcher, docoffset):
        reader = segment_searcher.reader()
        cache = reader.__dict__.setdefault("_commonplace_columns", {})
        key = (self._fieldname, self._reverse)
        if key not in cache:
            cache[key] = reader.column_reader(
                self._fieldname, reverse=self._reverse, translate=False
            )
        self._creader = cache[key]
        self._names = {}

    def key_to_name(self, key):
        # Called once per matching document: decode each distinct value only once.
        try:
            return self._names[key]
        except KeyError:
            name = self._names[key] = super().key_to_name(key)
            return name


class CachedFieldFacet(FieldFacet):
    def categorizer(self, global_searcher):
        if global_searcher.reader().has_column(self.fieldname) and not self.allow_overlap:
            return _CachedColumnCategorizer(global_searcher, self.fieldname, self.reverse)
        return super().categorizer(global_searcher)


def prepared_documents(index, objects: Iterable, convert=lambda value: value) -> Iterator[dict]:
    """Documents for the objects, as haystack's index defines them."""
    for obj in objects:
        try:
            document = index.full_prepare(obj)
        except SkipDocument:
            continue
        document.pop("boost", None)
        yield {key: convert(value) for key, value in document.items()}


class WritesThroughOneDoor:
    """Haystack's write API routed through the backend's own write(), so that nothing
    (haystack's commands included) bypasses its lock. Comes first among the bases."""

    def update(self, index, iterable, commit=True):
        objects = list(iterable)
        self.write(
            delete_terms=[((ID, get_identifier(obj)),) for obj in objects],
            documents=self.prepare(index, objects),
        )

    def remove(self, obj_or_string, commit=True):
        self.write(delete_terms=[((ID, get_identifier(obj_or_string)),)])

    def clear(self, models=None, commit=True):
        if models is None:
            self.write(replace_all=True)
        else:
            self.write(delete_terms=[((DJANGO_CT, get_model_ct(model)),) for model in models])


class IndexBusy(Exception):
    """Another process held the index write lock for longer than the timeout."""


class SearchUnavailable(Exception):
    """The search index cannot be read just now (until it is mended or rebuilt)."""

    message = "Search is unavailable just now. Please try again in a few minutes."


class CommonplaceWhooshBackend(WritesThroughOneDoor, WhooshSearchBackend):
    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self.writer_limitmb = int(options.get("WRITER_LIMITMB", 256))
        self.writer_procs = int(options.get("WRITER_PROCS", 1))
        self.lock_timeout = float(options.get("LOCK_TIMEOUT", 120))
        self._local = threading.local()

    # Schema and set-up -------------------------------------------------------------------

    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        names = {}
        for field in fields.values():
            name = field.index_fieldname
            if field.document:
                names[name] = syntax.text_field(stored=True)
            elif field.field_type == "stemmed":
                names[name] = syntax.text_field(stored=False)
            elif field.field_type == "keyword":
                names[name] = WhooshID(stored=True, sortable=True)
            elif field.field_type == "unstemmed":
                names[name] = syntax.unstemmed_field(stored=False)
            elif field.field_type == "shingles":
                names[name] = syntax.shingle_field(stored=False)
            elif field.field_type == "tag_tokens":
                names[name] = KEYWORD(
                    lowercase=False, commas=False, scorable=False, stored=False, sortable=True
                )
            elif field.field_type == "stored":
                names[name] = STORED()
            elif field.field_type == "sortable_integer":
                names[name] = NUMERIC(numtype=int, bits=64, stored=True, sortable=True)
        # Skip the spell_ field Whoosh derives from haystack's stemmed content field: the
        # unstemmed field already carries the vocabulary for suggestions.
        fields_by_name = {
            name: schema[name] for name in schema.names() if not name.startswith("spell_")
        }
        fields_by_name.update(names)
        return content_field_name, Schema(**fields_by_name)

    def setup(self):
        super().setup()
        if self.use_file_storage:
            # Whoosh wraps each memory-mapped segment file in BytesIO, which on Python 3
            # copies it: every reader opened held a private copy of the whole index (263 MB
            # per reader at 500 articles, and as much again at each ingest flush). Plain
            # file reads answer queries as fast, through the page cache, and copy nothing.
            self.storage.supports_mmap = False
        self.parser = syntax.make_parser(self.schema)

    def _check_index_is_there(self) -> None:
        """A search must not quietly create an empty index where one has gone missing
        (haystack would): it would answer every search with nothing, and look well. An
        archive with no paragraphs yet has nothing to miss."""
        if not self.use_file_storage or whoosh_index.exists_in(self.path):
            return
        from archive.models import Paragraph

        if Paragraph.objects.exists():
            raise SearchUnavailable(f"there is no search index in {self.path}: rebuild it")

    def ping(self) -> None:
        """Raise unless a real search answers: a word of an indexed document, searched
        as every search is (term index, postings, scores), must find that document.

        Reading the table of contents alone answered "ok" while every search failed, or
        found nothing because the segments' contents were gone.
        """
        searcher = self.searcher()
        for docnum in islice(searcher.reader().all_doc_ids(), PING_DOCUMENTS):
            text = searcher.stored_fields(docnum).get(syntax.TEXT_FIELD) or ""
            words = {token.text for token in syntax.STEMMING_ANALYZER(text)}
            if words:
                break
        else:
            return  # an empty index answers every search rightly: with nothing
        rarest = min(words, key=lambda word: searcher.doc_frequency(syntax.TEXT_FIELD, word))
        with syntax.one_search():
            # Slow is not down: a server busy with searches must not be taken out of
            # service because this one was cut short by the budget.
            syntax.current_limits().allow(PING_SECONDS)
            _, found = collect(searcher, wq.Term(syntax.TEXT_FIELD, rarest), 1, None, None)
        if docnum not in found:
            raise SearchUnavailable(f"searching {rarest!r} does not find the document holding it")

    def searcher(self):
        """This thread's searcher, brought up to date with the latest commit.

        A refresh that fails (a segment file unreadable, say) has already closed readers
        the old searcher shares, so that searcher is dropped, never kept: the next search
        opens the index afresh and works again as soon as the index is mended.
        """
        if not self.setup_complete:
            self._check_index_is_there()
            self.setup()
        searcher, self._local.searcher = getattr(self._local, "searcher", None), None
        if searcher is not None:
            try:
                searcher = searcher.refresh()
            except Exception:
                logger.warning("Search index refresh failed; reopening it", exc_info=True)
                with suppress(Exception):
                    searcher.close()
                searcher = None
        if searcher is None:
            try:
                searcher = self.index.searcher(weighting=CommonplaceWeighting())
            except Exception as error:
                raise SearchUnavailable("the search index cannot be read") from error
        self._local.searcher = searcher
        return searcher

    # Writing -----------------------------------------------------------------------------

    @contextmanager
    def write_lock(self, wait: bool = True) -> Iterator[bool]:
        """Hold the index for writing; yields whether it is held.

        Waits for any other process that holds it, unless wait is False. Re-entrant
        within a thread, so a caller can hold it across several writes.
        """
        depth = getattr(self._local, "lock_depth", 0)
        if depth:
            self._local.lock_depth = depth + 1
            try:
                yield True
            finally:
                self._local.lock_depth = depth
            return
        path = f"{os.path.abspath(self.path)}.lock"
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.lock_timeout
        try:
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not wait:
                        yield False
                        return
                    if time.monotonic() > deadline:
                        raise IndexBusy(
                            f"the search index stayed locked for {self.lock_timeout:.0f} s"
                        ) from None
                    time.sleep(0.01)
            self._local.lock_depth = 1
            yield True
        finally:
            self._local.lock_depth = 0
            os.close(descriptor)  # closing releases the lock

    def write(
        self,
        *,
        delete_terms: Iterable[tuple[tuple[str, str], ...]] = (),
        documents: Iterable[dict] = (),
        replace_all: bool = False,
    ) -> int:
        """Delete, then add, in one writer and one commit; returns documents added.

        Each of delete_terms is a tuple of (field, value) pairs: the documents holding all
        of them are deleted.

        replace_all drops every existing document at commit, so readers see the old
        index until the new one is complete.
        """
        if not self.setup_complete:
            self.setup()
        with self.write_lock():
            writer = self.index.writer(limitmb=self.writer_limitmb, procs=self.writer_procs)
            try:
                if not replace_all:
                    self._delete(writer, delete_terms)
                added = 0
                for document in documents:
                    writer.add_document(**document)
                    added += 1
                writer.commit(mergetype=CLEAR if replace_all else None)
            except BaseException:
                writer.cancel()
                raise
        return added

    @staticmethod
    def _delete(writer, terms: Iterable[tuple[tuple[str, str], ...]]) -> None:
        with writer.searcher() as searcher:
            for pairs in terms:
                for docnum in searcher.document_numbers(**dict(pairs)):
                    writer.delete_document(docnum)

    def prepare(self, index, objects: Iterable) -> Iterator[dict]:
        return prepared_documents(index, objects, self._from_python)

    # Searching ---------------------------------------------------------------------------

    @syntax.one_search()
    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        highlight=False,
        facets=None,
        models=None,
        result_class=None,
        filters=None,
        viewer: Viewer | None = None,
        notes: bool = False,
        suggest: bool = True,
        corrections: Corrections | None = None,
        **kwargs,
    ):
        """Search with the reader's query language.

        filters are {field: exact value}; a "tags" filter (a tag slug, or NONE for "no
        tag") and the "tags" facet count only what the viewer may see. suggest False
        skips "did you mean", for searches whose caller shows none. notes searches
        readers' notes (their own fields) among those the viewer may see, instead of
        paragraphs. corrections are what the database says the index may not know yet
        (search.freshness): they win over the index.
        """
        viewer = viewer or Viewer()
        corrections = corrections or NO_CORRECTIONS
        searcher = self.searcher()
        parsed = syntax.parse(force_str(query_string), self.parser)
        end = end_offset if end_offset is not None else start_offset + 20
        if notes:
            return self._search_notes(searcher, parsed, viewer, corrections, start_offset, end)
        required, unwanted = self._narrow_to(models, searcher)
        mask = documents_matching(searcher, unwanted) if unwanted is not None else None
        if parsed.is_empty or required is wq.NullQuery:
            return _EMPTY_ANSWER
        executed = syntax.for_search(parsed.query)
        filters = dict(filters or {})
        tag = filters.pop(TAGS_FIELD, None)
        conditions = [executed, *(wq.Term(f, value) for f, value in filters.items())]
        if tag is not None:
            conditions.append(_tag_condition(tag, viewer))
        if required is not None:
            conditions.append(required)
        overrides = self._paragraph_tags(searcher, corrections)
        if tag is not None:
            untagged = {d for d, tokens in overrides.items() if not _carries(tag, viewer, tokens)}
            mask = _union(mask, untagged)
        final = wq.And(conditions) if len(conditions) > 1 else executed
        sortedby = MultiFacet([CachedFieldFacet(name) for name in sort_by]) if sort_by else None
        results, docnums = collect(searcher, final, max(end, 1), sortedby, mask)
        hits = len(docnums)
        highlighter = Highlighter(parsed.query) if highlight else None
        counts = count_facets(searcher, docnums, facets or (), viewer, overrides)
        return {
            "results": [
                self._result(hit, None if sort_by else hit.score, highlighter, result_class)
                for hit in results[start_offset:end]
            ],
            "hits": hits,
            "facets": {"fields": {name: list(c.items()) for name, c in counts.items()}},
            "spelling_suggestion": (
                self.suggest(parsed, searcher, hits, Scope(conditions[1:], mask))
                if suggest and hits < SUGGEST_BELOW_HITS
                else None
            ),
        }

    def _search_notes(self, searcher, parsed, viewer: Viewer, corrections, start: int, end: int):
        """Readers' notes the viewer may see whose note, quote or tags match, best first."""
        if parsed.is_empty:
            return _EMPTY_ANSWER
        query = wq.And(
            [
                syntax.for_search(syntax.on_note_fields(parsed.query)),
                wq.Term(DJANGO_CT, ANNOTATION_CT),
                _audience_condition(viewer),
            ]
        )
        hidden = self._documents_of(searcher, ANNOTATION_CT, corrections.hidden_notes)
        results, docnums = collect(searcher, query, max(end, 1), None, set(hidden) or None)
        return {
            "results": [self._result(hit, hit.score, None, None) for hit in results[start:end]],
            "hits": len(docnums),
            "facets": {"fields": {}},
            "spelling_suggestion": None,
        }

    @staticmethod
    def _documents_of(searcher, content_type: str, ids) -> dict[int, int]:
        """{document number: id} of these objects' documents in the index."""
        found = {}
        for pk in ids:
            docnum = searcher.document_number(**{ID: f"{content_type}.{pk}"})
            if docnum is not None:
                found[docnum] = pk
        return found

    def _paragraph_tags(self, searcher, corrections) -> dict[int, str]:
        """{document number: tag tokens} of the paragraphs whose tags the database says
        may have changed since they were indexed."""
        documents = self._documents_of(searcher, PARAGRAPH_CT, corrections.paragraph_tags)
        return {d: " ".join(corrections.paragraph_tags[pk]) for d, pk in documents.items()}

    def _narrow_to(self, models, searcher) -> tuple[wq.Query | None, wq.Query | None]:
        """Keep the models' documents only: (a condition to require, a mask to apply).

        Whichever side is smaller does the work. Paragraphs outnumber annotations a
        hundredfold: a paragraph search masks the few annotations out, and a search of
        annotations requires their own term, rather than masking every paragraph. With
        none of the models' documents in the index the condition is NullQuery: nothing
        can match.
        """
        if not models:
            return None, None
        wanted = [get_model_ct(model) for model in models]
        others = [ct for ct in self.build_models_list() if ct not in wanted]
        if not others:
            return None, None

        def documents(cts: list[str]) -> int:
            return sum(searcher.doc_frequency(DJANGO_CT, ct) for ct in cts)

        def any_of(cts: list[str]) -> wq.Query:
            return wq.Or([wq.Term(DJANGO_CT, ct) for ct in cts])

        unwanted, sought = documents(others), documents(wanted)
        if not sought:
            return wq.NullQuery, None
        if not unwanted:
            return None, None
        if unwanted <= sought:
            return None, any_of(others)
        return any_of(wanted), None

    def _result(self, hit, score, highlighter: Highlighter | None, result_class) -> SearchResult:
        """A haystack result; score is None when sorted (Whoosh gives the sort key)."""
        fields = dict(hit.fields())
        app_label, model_name = fields.pop(DJANGO_CT).split(".")
        pk = fields.pop(DJANGO_ID)
        if highlighter is not None:
            text = fields[self.content_field_name]
            fields["highlighted"] = {self.content_field_name: [highlighter.snippet(text)]}
        return (result_class or SearchResult)(app_label, model_name, pk, score, **fields)

    def suggest(self, parsed: syntax.ParsedQuery, searcher, hits: int, scope: Scope) -> str | None:
        """The query with its unknown words replaced by the nearest words in the index,
        if that finds more than the query did within the same scope: a word from someone's
        private note is never suggested to anyone searching paragraphs."""
        reader = searcher.reader()
        corrector = SegmentwiseCorrector(reader, syntax.UNSTEMMED_FIELD)
        text = parsed.text
        replacements = []
        looked_up = 0
        for leaf in syntax.positive_leaves(parsed.query):
            if not isinstance(leaf, wq.Term) or leaf.fieldname != syntax.TEXT_FIELD:
                continue
            start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
            if start is None or end is None:
                continue
            word = text[start:end].lower()
            if not word.isalpha() or reader.frequency(syntax.UNSTEMMED_FIELD, word):
                continue
            # Each look-up costs a walk of every segment's words: a few per search.
            looked_up += 1
            if looked_up > MAX_SUGGESTED_WORDS or budgeted_limits().expired:
                break
            # One edit first: it is the common typo and costs half of two.
            suggestions = corrector.suggest(word, limit=1, maxdist=1, prefix=SUGGEST_PREFIX)
            suggestions = suggestions or corrector.suggest(
                word, limit=1, maxdist=2, prefix=SUGGEST_PREFIX
            )
            if suggestions and suggestions[0] != word:
                replacements.append((start, end, suggestions[0]))
        if not replacements:
            return None
        for start, end, word in sorted(replacements, reverse=True):
            text = text[:start] + word + text[end:]
        suggestion = syntax.parse(text, self.parser)
        if suggestion.is_empty:
            return None
        query = wq.And([syntax.for_search(suggestion.query), *scope.conditions])
        _, found = collect(searcher, query, 1, None, scope.mask)
        return text if len(found) > hits else None


class SegmentwiseCorrector(Corrector):
    """Whoosh's reader corrector, asking each segment for the words near a misspelling.

    A segment walks its word list with an automaton; a reader of several segments falls
    back to computing the distance to every word of the lexicon in Python (150 ms at
    1,000 articles, against 3 ms a segment). Ranked as Whoosh ranks them: by the edit
    distance allowed, then by frequency in the whole index.
    """

    def __init__(self, reader, fieldname: str):
        self.reader, self.fieldname = reader, fieldname

    def _suggestions(self, text, maxdist, prefix):
        seen = set()
        for leaf, _ in self.reader.leaf_readers():
            for word in leaf.terms_within(self.fieldname, text, maxdist, prefix=prefix):
                if word in seen:
                    continue
                seen.add(word)
                frequency = self.reader.frequency(self.fieldname, word) or 1
                yield 0 - (maxdist + 0.5 / frequency), word


class CommonplaceWhooshEngine(BaseEngine):
    backend = CommonplaceWhooshBackend
    query = WhooshSearchQuery
