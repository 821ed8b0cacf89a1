"""The scale-out search backend: haystack's Elasticsearch 7 backend, speaking the same
language as the Whoosh one (search.backends), so that nothing else in the app changes.

Chosen by SEARCH_URL=elasticsearch://host:9200/index-name; needs the `elasticsearch`
extra (`pip install -e '.[elasticsearch]'`). Same fields, same query syntax (Lucene's
query_string, which the search box's syntax is a subset of), same filters, facets, tag
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
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.safestring import mark_safe
from haystack.backends import BaseEngine
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import MissingDependency
from haystack.models import SearchResult
from haystack.utils import get_model_ct

from annotations.permissions import Viewer
from search import limits, syntax, tagging
from search.backends import (
    SUGGEST_BELOW_HITS,
    SUGGEST_PREFIX,
    TAGS_FIELD,
    WritesThroughOneDoor,
    prepared_documents,
)
from search.fields import NONE
from search.freshness import NONE as NO_CORRECTIONS
from search.freshness import Corrections

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
FACET_SIZE = 10_000
SNIPPET_CHARS = 240
_local_lock = threading.RLock()
# Characters that Lucene's regular expressions do not take literally.
_LUCENE_SPECIAL = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~])')
PARAGRAPH_QUERY_FIELDS = [syntax.TEXT_FIELD, syntax.UNSTEMMED_FIELD]
NOTE_QUERY_FIELDS = [
    syntax.NOTE_FIELDS[syntax.TEXT_FIELD],
    syntax.NOTE_FIELDS[syntax.UNSTEMMED_FIELD],
]
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
            "filter": ["lowercase", "commonplace_stop", "porter_stem"],
        },
        "commonplace_unstemmed": {"tokenizer": "standard", "filter": ["lowercase"]},
        "commonplace_shingles": {
            "tokenizer": "standard",
            "filter": ["lowercase", "commonplace_stop", "porter_stem", "commonplace_pairs"],
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
        """As CommonplaceWhooshBackend.search, on Elasticsearch."""
        parsed = syntax.parse(str(query_string))
        if parsed.is_empty:
            return {"results": [], "hits": 0, "facets": {"fields": {}}, "spelling_suggestion": None}
        if not self.setup_complete:
            self.setup()
        viewer = viewer or Viewer()
        corrections = corrections or NO_CORRECTIONS
        end = end_offset if end_offset is not None else start_offset + 20
        fields = NOTE_QUERY_FIELDS if notes else PARAGRAPH_QUERY_FIELDS
        body = {
            "query": {
                "bool": {
                    "must": [self._text_query(parsed.text, fields)],
                    "filter": [],
                    "must_not": [],
                }
            },
            "from": start_offset,
            "size": max(end - start_offset, 0),
            "track_total_hits": True,
            # Past its budget a search answers with what its shards found (search.limits).
            "timeout": _timeout(),
        }
        conditions = body["query"]["bool"]
        if notes:
            conditions["filter"] += [{"term": {DJANGO_CT: "annotations.annotation"}}]
            conditions["filter"].append(_audience_filter(viewer))
            conditions["must_not"].append(_ids("annotations.annotation", corrections.hidden_notes))
            return self._answer(body, None, None, result_class, viewer, {})
        filters = dict(filters or {})
        tag = filters.pop(TAGS_FIELD, None)
        conditions["filter"] += [{"term": {field: value}} for field, value in filters.items()]
        if models:
            conditions["filter"].append({"terms": {DJANGO_CT: [get_model_ct(m) for m in models]}})
        overrides = corrections.paragraph_tags
        if tag is not None:
            conditions["filter"].append(_tag_filter(tag, viewer))
            untagged = [pk for pk, tokens in overrides.items() if not _carries(tag, viewer, tokens)]
            conditions["must_not"].append(_ids("archive.paragraph", untagged))
        if sort_by:
            body["sort"] = [{field: "asc"} for field in sort_by]
        if highlight:
            body["highlight"] = _HIGHLIGHT
        if facets:
            body["aggs"] = {name: _facet(name, viewer) for name in facets}
            if TAGS_FIELD in facets:
                body["aggs"]["untagged"] = {"filter": _tag_filter(NONE, viewer)}
        answer = self._answer(body, facets, sort_by, result_class, viewer, overrides)
        if suggest and answer["hits"] < SUGGEST_BELOW_HITS:
            answer["spelling_suggestion"] = self._suggest(parsed.text, answer["hits"], body)
        return answer

    def _answer(self, body, facets, sort_by, result_class, viewer, overrides) -> dict:
        raw = self.conn.search(index=self.index_name, body=body)
        if raw.get("timed_out"):
            syntax.current_limits().out_of_time()
        counts = _facet_counts(raw.get("aggregations", {}), facets or ())
        if overrides and TAGS_FIELD in counts:
            counts[TAGS_FIELD] = self._corrected_tag_counts(
                body, counts[TAGS_FIELD], viewer, overrides
            )
        return {
            "results": [
                self._result(hit, bool(sort_by), result_class) for hit in raw["hits"]["hits"]
            ],
            "hits": raw["hits"]["total"]["value"],
            "facets": {"fields": counts},
            "spelling_suggestion": None,
        }

    def _corrected_tag_counts(self, body, counts, viewer, overrides) -> list:
        """The tag facet with each stale paragraph among the hits counted by the tags the
        database gives it now instead of those the index holds."""
        query = copy.deepcopy(body["query"])
        query["bool"]["filter"].append(_ids("archive.paragraph", overrides))
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

    @staticmethod
    def _text_query(text: str, fields: list[str]) -> dict:
        if text == "*":
            return {"match_all": {}}
        return {
            "query_string": {
                "query": text,
                "fields": fields,
                "default_operator": "AND",
                "analyze_wildcard": True,
                "fuzzy_prefix_length": syntax.FUZZY_PREFIX,
                # The text is bounded already (search.limits.bounded_text: at most two
                # edits, four expanding terms); each of those stands for as many words
                # at most as on Whoosh, the best-scoring ones here.
                "fuzzy_max_expansions": limits.MAX_EXPANSIONS,
                "rewrite": f"top_terms_{limits.MAX_EXPANSIONS}",
                "fuzzy_rewrite": f"top_terms_{limits.MAX_EXPANSIONS}",
                "lenient": True,
            }
        }

    def _result(self, hit: dict, sorted_: bool, result_class) -> SearchResult:
        fields = dict(hit["_source"])
        app_label, model_name = fields.pop(DJANGO_CT).split(".")
        pk = fields.pop(DJANGO_ID)
        fragments = hit.get("highlight", {}).get(self.content_field_name or "text")
        if fragments:
            fields["highlighted"] = {"text": [mark_safe(" … ".join(fragments))]}
        score = None if sorted_ else hit.get("_score")
        return (result_class or SearchResult)(app_label, model_name, pk, score, **fields)

    def _suggest(self, text: str, hits: int, searched: dict) -> str | None:
        """As the Whoosh backend's suggest: words from the paragraphs' own vocabulary
        (notes have fields of their own), kept only if it finds more within the same
        filters."""
        body = {
            "suggest": {
                "text": text,
                "fix": {
                    "term": {
                        "field": syntax.UNSTEMMED_FIELD,
                        "prefix_length": SUGGEST_PREFIX,
                        "max_edits": 2,
                        "suggest_mode": "missing",
                    }
                },
            },
            "size": 0,
        }
        raw = self.conn.search(index=self.index_name, body=body)
        corrected, changed = text, False
        for entry in reversed(raw.get("suggest", {}).get("fix", [])):
            if entry["options"]:
                start, length = entry["offset"], entry["length"]
                corrected = (
                    corrected[:start] + entry["options"][0]["text"] + corrected[start + length :]
                )
                changed = True
        if not changed:
            return None
        query = copy.deepcopy(searched["query"])
        query["bool"]["must"] = [self._text_query(corrected, PARAGRAPH_QUERY_FIELDS)]
        count = self.conn.count(index=self.index_name, body={"query": query})
        return corrected if count["count"] > hits else None


def _timeout() -> str:
    """The search's time budget, which also starts its clock (search.limits)."""
    syntax.current_limits().allow(settings.COMMONPLACE_SEARCH_BUDGET_MS / 1000)
    return f"{settings.COMMONPLACE_SEARCH_BUDGET_MS}ms"


def _tag_filter(tag: str, viewer: Viewer) -> dict:
    visible = [{"prefix": {TAGS_FIELD: prefix}} for prefix in tagging.prefixes(viewer)]
    if tag == NONE:
        return {"bool": {"must_not": visible}} if visible else {"match_all": {}}
    tokens = tagging.tokens_for(viewer, tag)
    return {"terms": {TAGS_FIELD: tokens}} if tokens else {"bool": {"must_not": {"match_all": {}}}}


def _carries(tag: str, viewer: Viewer, tokens) -> bool:
    slugs = tagging.visible_slugs(viewer, tokens)
    return not slugs if tag == NONE else tag in slugs


def _ids(content_type: str, pks) -> dict:
    return {"ids": {"values": [f"{content_type}.{pk}" for pk in pks]}}


def _audience_filter(viewer: Viewer) -> dict:
    audiences = sorted(viewer.audiences)
    if not audiences:
        return {"bool": {"must_not": {"match_all": {}}}}
    return {"terms": {"audience": audiences}}


def _facet(name: str, viewer: Viewer) -> dict:
    if name != TAGS_FIELD:
        return {"terms": {"field": name, "size": FACET_SIZE}}
    # Lucene's regular expressions: every character of an audience but these is literal.
    prefixes = [_LUCENE_SPECIAL.sub(r"\\\1", prefix) for prefix in tagging.prefixes(viewer)]
    pattern = "|".join(f"{prefix}.*" for prefix in prefixes) or "(?!)"
    return {"terms": {"field": TAGS_FIELD, "size": FACET_SIZE, "include": pattern}}


def _facet_counts(aggregations: dict, names) -> dict:
    counts = {}
    for name in names:
        buckets = aggregations.get(name, {}).get("buckets", [])
        if name == TAGS_FIELD:
            pairs = [(b["key"].rpartition(tagging.SEPARATOR)[2], b["doc_count"]) for b in buckets]
            merged: dict[str, int] = {}
            for slug, count in pairs:
                merged[slug] = merged.get(slug, 0) + count
            untagged = aggregations.get("untagged", {}).get("doc_count", 0)
            counts[name] = [*merged.items(), *([(NONE, untagged)] if untagged else [])]
        else:
            counts[name] = [(b["key"], b["doc_count"]) for b in buckets]
    return counts


class CommonplaceElasticsearchEngine(BaseEngine):
    backend = CommonplaceElasticsearchBackend
    query = Elasticsearch7SearchQuery
