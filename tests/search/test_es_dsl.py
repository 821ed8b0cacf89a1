"""The query language compiled to Elasticsearch's query DSL: the JSON each construct
becomes, checked without a server. Elasticsearch never receives the text typed, only
this (no query_string: Lucene's syntax is wider than the search box's)."""

import json

import pytest

from search import syntax
from search.backends.es_dsl import REWRITE, to_dsl


def dsl(text: str) -> dict:
    return to_dsl(syntax.parse(text).tree)


def word(text: str, field: str = "text", required: bool = True, **more) -> dict:
    zero = "all" if required else "none"
    return {"match_phrase": {field: {"query": text, "zero_terms_query": zero, **more}}}


def test_a_word_goes_through_the_stemmed_field_analyzer():
    assert dsl("Elections") == word("Elections")


def test_words_must_all_match():
    assert dsl("labour party") == {"bool": {"must": [word("labour"), word("party")]}}


def test_a_phrase_keeps_its_words_in_order_and_its_slop_in_lucenes_terms():
    assert dsl('"New Labour"') == word("New Labour", slop=0)
    assert dsl('"New Labour"~3') == word("New Labour", slop=2)


def test_or_needs_one_and_a_dropped_word_matches_nothing_there():
    assert dsl("Blair OR Brown") == {
        "bool": {
            "should": [word("Blair", required=False), word("Brown", required=False)],
            "minimum_should_match": 1,
        }
    }


@pytest.mark.parametrize("text", ["Blair -Brown", "Blair NOT Brown"])
def test_not_and_minus_leave_words_out(text):
    found = dsl(text)
    brown = {"must_not": [word("Brown", required=False)]}
    assert found in (
        {"bool": {"must": [word("Blair")], **brown}},
        {"bool": {"must": [word("Blair"), {"bool": brown}]}},
    )


def test_not_alone_is_everything_but():
    assert dsl("NOT Brown") == {"bool": {"must_not": [word("Brown", required=False)]}}


def test_plus_makes_a_word_required_and_the_rest_optional():
    assert dsl("+Blair Brown") == {
        "bool": {"must": [word("Blair")], "should": [word("Brown", required=False)]}
    }


def test_grouping_nests():
    assert dsl("(Blair OR Brown) Iraq") == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [word("Blair", required=False), word("Brown", required=False)],
                        "minimum_should_match": 1,
                    }
                },
                word("Iraq"),
            ]
        }
    }


def test_a_prefix_searches_the_unstemmed_field_lower_cased():
    assert dsl("Govern*") == {"prefix": {"exact": {"value": "govern", "rewrite": REWRITE}}}


def test_a_wildcard_searches_the_unstemmed_field():
    assert dsl("l?b*r") == {"wildcard": {"exact": {"value": "l?b*r", "rewrite": REWRITE}}}


def test_star_alone_is_every_document():
    assert dsl("*") == {"match_all": {}}


@pytest.mark.parametrize(
    "text, edits, prefix",
    [("goverment~", 1, 1), ("goverment~2", 2, 1), ("goverment~2/3", 2, 3), ("goverment~9", 2, 1)],
)
def test_fuzzy_keeps_its_edits_within_the_limit_and_its_prefix(text, edits, prefix):
    assert dsl(text) == {
        "fuzzy": {
            "exact": {
                "value": "goverment",
                "fuzziness": edits,
                "prefix_length": prefix,
                "max_expansions": 64,
                "transpositions": False,
                "rewrite": REWRITE,
            }
        }
    }


def test_a_fuzzy_prefix_longer_than_its_word_keeps_the_word():
    assert dsl("ab~2/9")["fuzzy"]["exact"]["prefix_length"] == 2


def test_a_boost_travels_with_the_word():
    assert dsl("Blair^2") == {
        "match_phrase": {"text": {"query": "Blair", "zero_terms_query": "all", "boost": 2.0}}
    }


def test_field_syntax_stays_text():
    # "field:value" never names an index field: it is searched as the words it holds.
    assert dsl("audience:shared") == word("audience:shared")
    assert dsl("django_ct:archive.paragraph") == word("django_ct:archive.paragraph")


def test_notes_search_the_notes_own_fields_and_expand_within_each_audience():
    tree = syntax.parse("Blair govern* goverment~ -Brown").tree
    fuzzy = {
        "fuzziness": 1,
        "max_expansions": 64,
        "transpositions": False,
        "rewrite": REWRITE,
    }
    assert to_dsl(syntax.on_note_fields(tree, {"user:7", "shared"})) == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "must": [
                            word("Blair", field="note_text"),
                            {
                                "bool": {
                                    "should": [
                                        {
                                            "prefix": {
                                                "note_terms": {
                                                    "value": f"{audience}|govern",
                                                    "rewrite": REWRITE,
                                                }
                                            }
                                        }
                                        for audience in ("shared", "user:7")
                                    ],
                                    "minimum_should_match": 1,
                                }
                            },
                            {
                                "bool": {
                                    "should": [
                                        {
                                            "fuzzy": {
                                                "note_terms": {
                                                    "value": f"{audience}|goverment",
                                                    # the audience, then the word's first letter
                                                    "prefix_length": len(audience) + 2,
                                                    **fuzzy,
                                                }
                                            }
                                        }
                                        for audience in ("shared", "user:7")
                                    ],
                                    "minimum_should_match": 1,
                                }
                            },
                        ]
                    }
                }
            ],
            "must_not": [word("Brown", field="note_text", required=False)],
        }
    }


@pytest.mark.parametrize(
    "text", ['"', "AND", "((((", "[a TO b]", "^", "\\", "labour AND", "x:y", "~", "-labour"]
)
def test_hostile_text_compiles_to_json_without_query_string(text):
    parsed = syntax.parse(text)
    body = json.dumps(to_dsl(parsed.tree))
    assert "query_string" not in body
    if parsed.is_empty:
        assert to_dsl(parsed.tree) == {"match_none": {}}
