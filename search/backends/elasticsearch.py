"""The scale-out search backend: haystack's Elasticsearch 7 backend, speaking the same
language as the Whoosh one (search.backends.whoosh), so that nothing else in the app
changes.

Chosen by SEARCH_URL=elasticsearch://host:9200/index-name; needs the `elasticsearch`
extra (`pip install -e '.[elasticsearch]'`). Same fields, the same query (the query
language's tree compiled to query DSL: search.backends.es_dsl), same filters, facets, tag
permissions, escaped <mark> snippets and suggestions.

Three differences, all documented: a paragraph whose tag is both shared and private to
the viewer counts twice in the tag facet (Elasticsearch counts tokens, not documents);
bulk rebuilds delete then re-add, so searches see a partial index while they run; and
notes are ranked by BM25 over the note fields (Elasticsearch keeps statistics per field,
so paragraphs' scores owe nothing to notes, but the order of the notes a reader may see
draws on statistics of all notes).
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe
from haystack.backends import BaseEngine
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import MissingDependency

from search import limits, syntax, tagging
from search.backends import (
    ANNOTATION_CT,
    PARAGRAPH_CT,
    SUGGEST_BELOW_HITS,
    SUGGEST_PREFIX,
    TAGS_FIELD,
    es_dsl,
)
from search.backends.door import WritesThroughOneDoor, prepared_documents
from search.fields import NONE
from search.spec import ParagraphHit, SearchAnswer, SearchSpec

try:
    from elasticsearch.helpers import bulk
    from haystack.backends.elasticsearch7_backend import (
        Elasticsearch7SearchBackend,
        Elasticsearch7SearchQuery,
    )
except (ImportError, MissingDependency):
    raise ImproperlyConfigured(
        "SEARCH_URL names Elasticsearch, but its client is not installed: "
        "pip install -e '.[elasticsearch]'"
    ) from None

# Serialises index flushes across app servers through the database they share.
ADVISORY_LOCK = 7_231_001
SNIPPET_CHARS = 240
_local_lock = threading.RLock()
_HIGHLIGHT = {
    "fields": {
        syntax.TEXT_FIELD: {
            "number_of_fragments": 2,
            "fragment_size": SNIPPET_CHARS,
            "no_match_size": SNIPPET_CHARS,
        }
    },
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "encoder": "html",  # escapes the text around the marks
}

_ANALYSIS = {
    "filter": {
        "commonplace_stop": {"type": "stop", "stopwords": "_english_"},
        "commonplace_pairs": {
            "type": "shingle",
            "min_shingle_size": 2,
            "max_shingle_size": 2,
            "output_unigrams": False,
            "filler_token": "",
        },
    },
    "analyzer": {
        # Porter stems, as Whoosh's StemmingAnalyzer uses.
        "commonplace_text": {
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", "commonplace_stop", "porter_stem"],
        },
        "commonplace_unstemmed": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
        "commonplace_shingles": {
            "tokenizer": "standard",
            "filter": [
                "lowercase",
                "asciifolding",
                "commonplace_stop",
                "porter_stem",
                "commonplace_pairs",
            ],
        },
        "commonplace_tags": {"tokenizer": "whitespace"},
    },
}


class CommonplaceElasticsearchBackend(WritesThroughOneDoor, Elasticsearch7SearchBackend):
    # Seconds a request waits for its index update while another process applies them.
    lock_timeout = 120.0
    DEFAULT_SETTINGS = copy.deepcopy(Elasticsearch7SearchBackend.DEFAULT_SETTINGS)
    for kind, entries in _ANALYSIS.items():
        DEFAULT_SETTINGS["settings"]["analysis"].setdefault(kind, {}).update(entries)
    del kind, entries

    DEFAULT_FIELD_MAPPING = {"type": "text", "analyzer": "commonplace_text"}
    FIELD_MAPPINGS = {
        **Elasticsearch7SearchBackend.FIELD_MAPPINGS,
        "keyword": {"type": "keyword"},
        "stemmed": {"type": "text", "analyzer": "commonplace_text"},
        "unstemmed": {"type": "text", "analyzer": "commonplace_unstemmed"},
        "shingles": {"type": "text", "analyzer": "commonplace_shingles"},
        "stored": {"type": "keyword", "index": False},
        "sortable_integer": {"type": "long"},
        "tag_tokens": {"type": "text", "analyzer": "commonplace_tags", "fielddata": True},
        # Already "<audience>|<word>", lower-cased: split at spaces only.
        "audience_terms": {"type": "text", "analyzer": "commonplace_tags"},
    }

    def ping(self) -> None:
        """Raise unless a real search answers: a cluster answers ping() while the index is
        missing or its shards are down."""
        raw = self.conn.search(
            index=self.index_name,
            body={"query": {"match_all": {}}, "size": 1, "timeout": _timeout()},
        )
        if raw.get("timed_out") or raw.get("_shards", {}).get("failed"):
            raise ConnectionError(f"Elasticsearch index {self.index_name} does not answer")

    @contextmanager
    def write_lock(self, wait: bool = True) -> Iterator[bool]:
        """One flush at a time, across every app server that shares the database; yields
        whether it is held (at once False, without wait, when another holds it)."""
        if connection.vendor != "postgresql":
            held = _local_lock.acquire(blocking=wait)
            try:
                yield held
            finally:
                if held:
                    _local_lock.release()
            return
        with connection.cursor() as cursor:
            if wait:
                cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
                held = True
            else:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK])
                held = cursor.fetchone()[0]
            try:
                yield held
            finally:
                if held:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])

    def prepare(self, index, objects: Iterable) -> Iterator[dict]:
        return prepared_documents(index, objects)

    def write(
        self,
        *,
        delete_terms: Iterable[tuple[tuple[str, str], ...]] = (),
        documents: Iterable[dict] = (),
        replace_all: bool = False,
        parallel: bool = False,  # Elasticsearch spreads the work over its shards itself
    ) -> int:
        if not self.setup_complete:
            self.setup()
        with self.write_lock():
            if replace_all:
                self._delete_matching({"match_all": {}})
            for pairs in delete_terms:
                terms = [{"term": {field: value}} for field, value in pairs]
                self._delete_matching({"bool": {"filter": terms}})
            actions = (
                {"_op_type": "index", "_index": self.index_name, "_id": doc[ID], "_source": doc}
                for doc in documents
            )
            added, _ = bulk(self.conn, actions, chunk_size=500, refresh=False)
            self.conn.indices.refresh(index=self.index_name)
        return added

    def _delete_matching(self, query: dict) -> None:
        self.conn.delete_by_query(
            index=self.index_name, body={"query": query}, conflicts="proceed", refresh=True
        )

    def answer(self, spec: SearchSpec) -> SearchAnswer:
        """As CommonplaceWhooshBackend.answer, on Elasticsearch."""
        with limits.one_search():
            if spec.query.is_empty:
                return SearchAnswer(messages=tuple(limits.messages()))
            if not self.setup_complete:
                self.setup()
            body = self._paragraph_body(spec)
            raw = self._search(body)
            hits = tuple(self._hit(hit, bool(spec.sort)) for hit in raw["hits"]["hits"])
            count = raw["hits"]["total"]["value"]
            counts = es_dsl.facet_counts(raw.get("aggregations", {}), spec.facets)
            overrides = spec.corrections.paragraph_tags
            if overrides and TAGS_FIELD in counts:
                counts[TAGS_FIELD] = self._corrected_tag_counts(
                    body, counts[TAGS_FIELD], spec.viewer, overrides
                )
            suggestion = None
            if spec.suggest and count < SUGGEST_BELOW_HITS:
                suggestion = self._suggest(spec.query, count, body)
            wanted = spec.notes and spec.viewer.audiences
            notes, notes_count = self._notes(spec) if wanted else ((), 0)
            return SearchAnswer(
                hits=hits,
                count=count,
                facets={name: tuple(pairs) for name, pairs in counts.items()},
                notes=notes,
                notes_count=notes_count,
                suggestion=suggestion,
                messages=tuple(limits.messages()),
            )

    def _paragraph_body(self, spec: SearchSpec) -> dict:
        viewer = spec.viewer
        filters = dict(spec.filters)
        tag = filters.pop(TAGS_FIELD, None)
        conditions = {
            "must": [es_dsl.to_dsl(spec.query.tree)],
            "filter": [{"term": {DJANGO_CT: PARAGRAPH_CT}}],
            "must_not": [],
        }
        conditions["filter"] += [{"term": {field: value}} for field, value in filters.items()]
        if tag is not None:
            overrides = spec.corrections.paragraph_tags
            conditions["filter"].append(es_dsl.tag_filter(tag, viewer))
            stale = [pk for pk, t in overrides.items() if not es_dsl.carries(tag, viewer, t)]
            conditions["must_not"].append(es_dsl.ids(PARAGRAPH_CT, stale))
        body = {
            "query": {"bool": conditions},
            "from": spec.start,
            "size": spec.size,
            "track_total_hits": True,
            # Past its budget a search answers with what its shards found (search.limits).
            "timeout": _timeout(),
            "highlight": _HIGHLIGHT,
        }
        if spec.sort:
            body["sort"] = [{field: "asc"} for field in spec.sort]
        if spec.facets:
            body["aggs"] = {name: es_dsl.facet(name, viewer) for name in spec.facets}
            if TAGS_FIELD in spec.facets:
                body["aggs"]["untagged"] = {"filter": es_dsl.tag_filter(NONE, viewer)}
        return body

    def _notes(self, spec: SearchSpec) -> tuple[tuple[int, ...], int]:
        tree = syntax.on_note_fields(spec.query.tree, spec.viewer.audiences)
        conditions = {
            "must": [es_dsl.to_dsl(tree)],
            "filter": [
                {"term": {DJANGO_CT: ANNOTATION_CT}},
                es_dsl.audience_filter(spec.viewer),
            ],
            "must_not": [es_dsl.ids(ANNOTATION_CT, spec.corrections.hidden_notes)],
        }
        body = {
            "query": {"bool": conditions},
            "size": spec.notes,
            "track_total_hits": True,
            "timeout": _timeout(),
            "_source": [DJANGO_ID],
        }
        raw = self._search(body)
        ids = tuple(int(hit["_source"][DJANGO_ID]) for hit in raw["hits"]["hits"])
        return ids, raw["hits"]["total"]["value"]

    def _search(self, body: dict) -> dict:
        raw = self.conn.search(index=self.index_name, body=body)
        if raw.get("timed_out"):
            limits.current().out_of_time()
        return raw

    def _corrected_tag_counts(self, body, counts, viewer, overrides) -> list:
        """The tag facet with each stale paragraph among the hits counted by the tags the
        database gives it now instead of those the index holds."""
        query = copy.deepcopy(body["query"])
        query["bool"]["filter"].append(es_dsl.ids(PARAGRAPH_CT, overrides))
        stale = self.conn.search(
            index=self.index_name,
            body={"query": query, "size": len(overrides), "_source": [DJANGO_ID, TAGS_FIELD]},
        )
        tally = Counter(dict(counts))
        for hit in stale["hits"]["hits"]:
            before = tagging.visible_slugs(viewer, hit["_source"].get(TAGS_FIELD) or "") or {NONE}
            now = tagging.visible_slugs(viewer, overrides.get(int(hit["_source"][DJANGO_ID]), ()))
            tally.subtract(before)
            tally.update(now or {NONE})
        return [(value, n) for value, n in tally.items() if n > 0]

    def _hit(self, hit: dict, sorted_: bool) -> ParagraphHit:
        fields = hit["_source"]
        fragments = hit.get("highlight", {}).get(syntax.TEXT_FIELD)
        text = fields[syntax.TEXT_FIELD]
        snippet = " … ".join(fragments) if fragments else escape(text[:SNIPPET_CHARS])
        return ParagraphHit.from_stored(
            fields, mark_safe(snippet), None if sorted_ else hit.get("_score")
        )

    def _suggest(self, parsed: syntax.ParsedQuery, hits: int, searched: dict) -> str | None:
        """As the Whoosh backend's suggestion: words from the paragraphs' own vocabulary
        (notes have fields of their own), kept only if it finds more within the same
        filters. Only the query's words are sent, one by one, never the query."""
        words = [
            leaf
            for leaf in syntax.positive_leaves(parsed.tree)
            if isinstance(leaf, syntax.Term) and leaf.span and leaf.text.isalpha()
        ][: limits.MAX_SUGGESTED_WORDS]
        if not words:
            return None
        suggest = {
            f"w{n}": {
                "text": leaf.text,
                "term": {
                    "field": syntax.UNSTEMMED_FIELD,
                    "prefix_length": SUGGEST_PREFIX,
                    "max_edits": 2,
                    "suggest_mode": "missing",
                },
            }
            for n, leaf in enumerate(words)
        }
        raw = self.conn.search(index=self.index_name, body={"suggest": suggest, "size": 0})
        corrected = parsed.text
        replacements = []
        for n, leaf in enumerate(words):
            entries = raw.get("suggest", {}).get(f"w{n}", [])
            options = entries[0]["options"] if entries else []
            if options:
                replacements.append((*leaf.span, options[0]["text"]))
        if not replacements:
            return None
        for start, end, word in sorted(replacements, reverse=True):
            corrected = corrected[:start] + word + corrected[end:]
        query = copy.deepcopy(searched["query"])
        query["bool"]["must"] = [es_dsl.to_dsl(syntax.parse(corrected).tree)]
        count = self.conn.count(index=self.index_name, body={"query": query})
        return corrected if count["count"] > hits else None


def _timeout() -> str:
    """The search's time budget, which also starts its clock (search.limits)."""
    limits.current().allow(settings.COMMONPLACE_SEARCH_BUDGET_MS / 1000)
    return f"{settings.COMMONPLACE_SEARCH_BUDGET_MS}ms"


class CommonplaceElasticsearchEngine(BaseEngine):
    backend = CommonplaceElasticsearchBackend
    query = Elasticsearch7SearchQuery
