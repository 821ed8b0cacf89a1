"""Haystack's Whoosh backend, reshaped around its measured traps, answering a
SearchSpec (search.spec) with a SearchAnswer.

- Fields and their analysis: schema.py; the query's tree as a Whoosh query: compile.py.
- One scored pass gives the page, the count and the facets: collection.py, counting from
  lists kept per segment in one cache object (caches.py).
- "Did you mean" comes from the index's own vocabulary, only when hits are few:
  spelling.py.
- Every write goes through one cross-process file lock: writing.py.
- Searchers are kept per thread and refreshed, not reopened for every query.
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress
from itertools import islice

from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import Schema

from search import limits, syntax
from search.backends import (
    ANNOTATION_CT,
    PARAGRAPH_CT,
    SUGGEST_BELOW_HITS,
    TAGS_FIELD,
    SearchUnavailable,
)
from search.backends.door import WritesThroughOneDoor
from search.backends.whoosh import collection, schema, spelling
from search.backends.whoosh.caches import SegmentCaches
from search.backends.whoosh.compile import compiled
from search.backends.whoosh.writing import LockedWriting
from search.highlighting import Highlighter
from search.spec import ParagraphHit, SearchAnswer, SearchSpec

logger = logging.getLogger(__name__)

# Documents /healthz's search looks at for one with words to search for, and its time.
PING_DOCUMENTS = 10
PING_SECONDS = 30


class CommonplaceWhooshBackend(WritesThroughOneDoor, LockedWriting, WhooshSearchBackend):
    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self.writer_limitmb = int(options.get("WRITER_LIMITMB", 256))
        self.writer_procs = int(options.get("WRITER_PROCS", 1))
        self.lock_timeout = float(options.get("LOCK_TIMEOUT", 120))
        self._local = threading.local()
        self.caches = SegmentCaches()

    # Schema and set-up -------------------------------------------------------------------

    def build_schema(self, fields):
        content_field_name, built = super().build_schema(fields)
        # Skip the spell_ field Whoosh derives from haystack's stemmed content field: the
        # unstemmed field already carries the vocabulary for suggestions.
        by_name = {name: built[name] for name in built.names() if not name.startswith("spell_")}
        for field in fields.values():
            chosen = schema.field_for(field.field_type, field.document)
            if chosen is not None:
                by_name[field.index_fieldname] = chosen
        return content_field_name, Schema(**by_name)

    def setup(self):
        super().setup()
        if self.use_file_storage:
            # Whoosh wraps each memory-mapped segment file in BytesIO, which on Python 3
            # copies it: every reader opened held a private copy of the whole index (263 MB
            # per reader at 500 articles, and as much again at each ingest flush). Plain
            # file reads answer queries as fast, through the page cache, and copy nothing.
            self.storage.supports_mmap = False
        self.analyser = schema.analyser(self.schema)

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
            words = {token.text for token in schema.STEMMING_ANALYZER(text)}
            if words:
                break
        else:
            return  # an empty index answers every search rightly: with nothing
        rarest = min(words, key=lambda word: searcher.doc_frequency(syntax.TEXT_FIELD, word))
        with limits.one_search():
            # Slow is not down: a server busy with searches must not be taken out of
            # service because this one was cut short by the budget.
            limits.current().allow(PING_SECONDS)
            term = wq.Term(syntax.TEXT_FIELD, rarest)
            _, found = collection.collect(searcher, term, 1, None, None)
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
        previous = searcher = getattr(self._local, "searcher", None)
        self._local.searcher = None
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
                weighting = collection.CommonplaceWeighting(self.caches)
                searcher = self.index.searcher(weighting=weighting)
            except Exception as error:
                raise SearchUnavailable("the search index cannot be read") from error
        self._local.searcher = searcher
        if searcher is not previous:  # a commit since: segments may have been merged away
            self.caches.keep_only_segments_of(searcher)
        return searcher

    def whoosh_query(self, tree: syntax.Node | None) -> wq.Query:
        """The Whoosh query a tree of the query language runs as."""
        if not self.setup_complete:
            self.setup()
        return compiled(tree, self.analyser)

    # Searching ---------------------------------------------------------------------------

    def answer(self, spec: SearchSpec) -> SearchAnswer:
        with limits.one_search():
            searcher = self.searcher()
            if spec.query.is_empty:
                return SearchAnswer(messages=tuple(limits.messages()))
            hits, count, facets, suggestion = self._paragraphs(searcher, spec)
            # A viewer who holds no audience may see no note.
            wanted = spec.notes and spec.viewer.audiences
            notes, notes_count = self._notes(searcher, spec) if wanted else ((), 0)
            return SearchAnswer(
                hits=hits,
                count=count,
                facets=facets,
                notes=notes,
                notes_count=notes_count,
                suggestion=suggestion,
                messages=tuple(limits.messages()),
            )

    def _paragraphs(self, searcher, spec: SearchSpec) -> tuple:
        """The page of paragraphs, their count, the facets and "did you mean"."""
        viewer = spec.viewer
        required, unwanted = self._narrow_to(PARAGRAPH_CT, searcher)
        if required is wq.NullQuery:
            return (), 0, {name: () for name in spec.facets}, None
        mask = self.caches.documents_matching(searcher, unwanted) if unwanted else None
        executed = self.whoosh_query(spec.query.tree)
        filters = dict(spec.filters)
        tag = filters.pop(TAGS_FIELD, None)
        conditions = [executed, *(wq.Term(f, value) for f, value in filters.items())]
        if tag is not None:
            conditions.append(collection.tag_condition(tag, viewer))
        if required is not None:
            conditions.append(required)
        overrides = self._paragraph_tags(searcher, spec.corrections)
        if tag is not None:
            stale = {d for d, t in overrides.items() if not collection.carries(tag, viewer, t)}
            mask = collection.union(mask, stale)
        final = wq.And(conditions) if len(conditions) > 1 else executed
        sortedby = collection.sorted_by(self.caches, spec.sort)
        results, docnums = collection.collect(searcher, final, max(spec.end, 1), sortedby, mask)
        highlighter = Highlighter(spec.query.tree)
        hits = tuple(
            self._hit(hit, None if spec.sort else hit.score, highlighter)
            for hit in results[spec.start : spec.end]
        )
        counts = collection.count_facets(
            self.caches, searcher, docnums, spec.facets, viewer, overrides
        )
        suggestion = None
        if spec.suggest and len(docnums) < SUGGEST_BELOW_HITS:
            scope = collection.Scope(conditions[1:], mask)
            suggestion = spelling.suggestion(
                spec.query, searcher, len(docnums), scope, self.whoosh_query
            )
        facets = {name: tuple(c.items()) for name, c in counts.items()}
        return hits, len(docnums), facets, suggestion

    def _notes(self, searcher, spec: SearchSpec) -> tuple[tuple[int, ...], int]:
        """Readers' notes the viewer may see whose note, quote or tags match, best first."""
        query = wq.And(
            [
                self.whoosh_query(syntax.on_note_fields(spec.query.tree, spec.viewer.audiences)),
                wq.Term(DJANGO_CT, ANNOTATION_CT),
                collection.audience_condition(spec.viewer),
            ]
        )
        hidden = self._documents_of(searcher, ANNOTATION_CT, spec.corrections.hidden_notes)
        results, docnums = collection.collect(
            searcher, query, spec.notes, None, set(hidden) or None
        )
        return tuple(int(hit[DJANGO_ID]) for hit in results[: spec.notes]), len(docnums)

    def _documents_of(self, searcher, content_type: str, ids) -> dict[int, int]:
        """{document number: id} of these objects' documents in the index."""
        terms = {f"{content_type}.{pk}": pk for pk in ids}
        found = self.caches.document_numbers(searcher, ID, terms)
        return {docnum: terms[term] for term, docnum in found.items()}

    def _paragraph_tags(self, searcher, corrections) -> dict[int, str]:
        """{document number: tag tokens} of the paragraphs whose tags the database says
        may have changed since they were indexed."""
        documents = self._documents_of(searcher, PARAGRAPH_CT, corrections.paragraph_tags)
        return {d: " ".join(corrections.paragraph_tags[pk]) for d, pk in documents.items()}

    def _narrow_to(self, wanted: str, searcher) -> tuple[wq.Query | None, wq.Query | None]:
        """Keep one content type's documents only: (a condition to require, a mask).

        Whichever side is smaller does the work. Paragraphs outnumber annotations a
        hundredfold: a paragraph search masks the few annotations out, rather than
        requiring the paragraphs' own term. With no documents of that type in the index
        the condition is NullQuery: nothing can match.
        """
        others = [ct for ct in self.build_models_list() if ct != wanted]

        def documents(cts: list[str]) -> int:
            return sum(searcher.doc_frequency(DJANGO_CT, ct) for ct in cts)

        unwanted, sought = documents(others), documents([wanted])
        if not sought:
            return wq.NullQuery, None
        if not unwanted:
            return None, None
        if unwanted <= sought:
            return None, wq.Or([wq.Term(DJANGO_CT, ct) for ct in others])
        return wq.Term(DJANGO_CT, wanted), None

    def _hit(self, hit, score, highlighter: Highlighter) -> ParagraphHit:
        fields = hit.fields()
        snippet = highlighter.snippet(fields[self.content_field_name])
        return ParagraphHit.from_stored(fields, snippet, score)


class CommonplaceWhooshEngine(BaseEngine):
    backend = CommonplaceWhooshBackend
    query = WhooshSearchQuery
