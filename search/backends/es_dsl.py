"""The query's tree (search.syntax) as Elasticsearch query DSL: the same language as on
Whoosh, never Lucene's query_string (whose syntax is wider: field:, ranges, regular
expressions).

Words and phrases go through the field's analyzer (match_phrase: a hyphenated word is a
phrase, as on Whoosh); prefix, wildcard and fuzzy terms are lower-cased and search the
unstemmed field as typed, each standing for at most MAX_EXPANSIONS words.
"""

from __future__ import annotations

import re

from annotations.permissions import Viewer
from search import limits, syntax, tagging
from search.backends import TAGS_FIELD
from search.fields import NONE

FACET_SIZE = 10_000
# Characters that Lucene's regular expressions do not take literally.
_LUCENE_SPECIAL = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~])')
REWRITE = f"top_terms_{limits.MAX_EXPANSIONS}"
MATCH_ALL = {"match_all": {}}


def to_dsl(node: syntax.Node | None, required: bool = True) -> dict:
    """The query for a tree. required says whether a match must meet this node: a word
    the analyzer drops (a stop word) then matches everything, as Whoosh leaves it out of
    an AND; elsewhere (OR, NOT) it matches nothing."""
    if node is None:
        return {"match_none": {}}
    if isinstance(node, syntax.Every):
        return MATCH_ALL
    if isinstance(node, syntax.LEAVES):
        return _leaf(node, required)
    if isinstance(node, syntax.And):
        return _bool(must=[to_dsl(child) for child in node.children])
    if isinstance(node, syntax.Or):
        should = [to_dsl(child, required=False) for child in node.children]
        return _bool(should=should, minimum_should_match=1)
    if isinstance(node, syntax.Not):
        return _bool(must_not=[to_dsl(node.child, required=False)])
    if isinstance(node, syntax.AndNot):
        return _bool(must=[to_dsl(node.keep)], must_not=[to_dsl(node.drop, required=False)])
    if isinstance(node, syntax.AndMaybe):
        optional = to_dsl(node.optional, required=False)
        return _bool(must=[to_dsl(node.required)], should=[optional])
    raise TypeError(f"not a node of the query language: {node!r}")


def _bool(**clauses) -> dict:
    return {"bool": {name: value for name, value in clauses.items() if value}}


def _leaf(leaf: syntax.Leaf, required: bool) -> dict:
    if isinstance(leaf, syntax.Term | syntax.Phrase):
        body = {"query": leaf.text, "zero_terms_query": "all" if required else "none"}
        if isinstance(leaf, syntax.Phrase):
            # Whoosh counts a slop of 1 for words next to each other, Lucene 0.
            body["slop"] = max(leaf.slop - 1, 0)
        return {"match_phrase": {leaf.field: _boosted(body, leaf.boost)}}
    value, head = syntax.note_term(leaf)
    if isinstance(leaf, syntax.Prefix):
        return {"prefix": {leaf.field: _boosted({"value": value, "rewrite": REWRITE}, leaf.boost)}}
    if isinstance(leaf, syntax.Wildcard):
        body = {"value": value, "rewrite": REWRITE}
        return {"wildcard": {leaf.field: _boosted(body, leaf.boost)}}
    body = {
        "value": value,
        "fuzziness": leaf.edits,
        "prefix_length": head + min(leaf.prefix, len(leaf.text)),
        "max_expansions": limits.MAX_EXPANSIONS,
        # Whoosh's automaton counts a swap of two letters as two edits.
        "transpositions": False,
        "rewrite": REWRITE,
    }
    return {"fuzzy": {leaf.field: _boosted(body, leaf.boost)}}


def _boosted(body: dict, boost: float) -> dict:
    return {**body, "boost": boost} if boost != 1.0 else body


# Filters and facets ---------------------------------------------------------------


def tag_filter(tag: str, viewer: Viewer) -> dict:
    visible = [{"prefix": {TAGS_FIELD: prefix}} for prefix in tagging.prefixes(viewer)]
    if tag == NONE:
        return {"bool": {"must_not": visible}} if visible else {"match_all": {}}
    tokens = tagging.tokens_for(viewer, tag)
    return {"terms": {TAGS_FIELD: tokens}} if tokens else {"bool": {"must_not": {"match_all": {}}}}


def carries(tag: str, viewer: Viewer, tokens) -> bool:
    slugs = tagging.visible_slugs(viewer, tokens)
    return not slugs if tag == NONE else tag in slugs


def ids(content_type: str, pks) -> dict:
    return {"ids": {"values": [f"{content_type}.{pk}" for pk in pks]}}


def audience_filter(viewer: Viewer) -> dict:
    audiences = sorted(viewer.audiences)
    if not audiences:
        return {"bool": {"must_not": {"match_all": {}}}}
    return {"terms": {"audience": audiences}}


def facet(name: str, viewer: Viewer) -> dict:
    if name != TAGS_FIELD:
        return {"terms": {"field": name, "size": FACET_SIZE}}
    # Lucene's regular expressions: every character of an audience but these is literal.
    prefixes = [_LUCENE_SPECIAL.sub(r"\\\1", prefix) for prefix in tagging.prefixes(viewer)]
    pattern = "|".join(f"{prefix}.*" for prefix in prefixes) or "(?!)"
    return {"terms": {"field": TAGS_FIELD, "size": FACET_SIZE, "include": pattern}}


def facet_counts(aggregations: dict, names) -> dict:
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
