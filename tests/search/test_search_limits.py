"""No single search can hold the server: fuzzy distances, expansions, the number of
expanding terms, "did you mean" and the time a search takes are all bounded, and what a
limit cut is said in the answer's messages. Real index, real queries, no mocks."""

import time

import pytest

from search import indexing, limits, syntax
from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")


def api(client, **params) -> dict:
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_fuzzy_distance_is_lowered_to_two_with_a_message(client):
    # Unbounded, this one query built a Levenshtein automaton for a minute.
    started = time.monotonic()
    data = api(client, q="abcdefghijk~9")
    assert time.monotonic() - started < 10
    assert data["count"] == 0
    assert data["messages"] == [
        "A fuzzy search allows at most 2 edits, so abcdefghijk~9 was searched with ~2."
    ]
    lowered, two = api(client, q="goverment~7"), api(client, q="goverment~2")
    assert lowered["count"] == two["count"] > 0
    assert [h["paragraph_id"] for h in lowered["results"]] == [
        h["paragraph_id"] for h in two["results"]
    ]
    assert api(client, q="goverment~")["messages"] == []


def test_a_phrase_slop_is_not_a_fuzzy_distance():
    parsed = syntax.parse('"new labour"~5 labour~3')
    assert parsed.text == '"new labour"~5 labour~2'


def test_a_term_expands_to_a_bounded_number_of_words_with_a_message(client):
    # "*e*" (a leading wildcard) matches hundreds of the bundled articles' words.
    data = api(client, q="*e*")
    assert data["messages"] == [
        f"*e* matches too many words: only the first {limits.MAX_EXPANSIONS:,} of them, in "
        "alphabetical order, were searched. Type more of the word to narrow it."
    ]
    assert data["count"] > 0
    # A prefix within the limit is expanded whole, and says nothing.
    assert api(client, q="govern*")["messages"] == []


def test_a_query_holds_a_bounded_number_of_expanding_terms():
    parsed = syntax.parse("labour* govern* elect* momentm~ part? (tory* OR lab*)")
    assert parsed.text == "labour* govern* elect* momentm~ part (tory OR lab)"
    assert parsed.notes == (
        "Only the first 4 words with *, ? or ~ are expanded; part?, tory*, lab* were "
        "searched as plain words.",
    )
    assert syntax.parse("*").text == "*"  # browsing everything expands nothing
    # Every word of the vocabulary, five times over: the fifth is dropped.
    assert syntax.parse("** ** ?* *? **").text == "** ** ?* *? "


def test_the_time_budget_stops_a_slow_search_with_what_it_found(client, settings):
    # Four terms of 64 words each, a postings reader a word: slow enough on any machine.
    slow = "*e* OR *a* OR *o* OR *i*"
    settings.COMMONPLACE_SEARCH_BUDGET_MS = 60_000
    full = api(client, q=slow)
    assert not any("took longer" in m for m in full["messages"])
    settings.COMMONPLACE_SEARCH_BUDGET_MS = 1
    data = api(client, q=slow)
    assert any("took longer than 0.001 s and was stopped" in m for m in data["messages"])
    assert data["count"] < full["count"]
    for buckets in data["facets"].values():
        assert sum(b["count"] for b in buckets) == data["count"]
    page = client.get("/search/", {"q": slow})
    assert page.status_code == 200
    assert "took longer than 0.001 s" in page.content.decode()


def test_the_time_budget_holds_beside_readers_notes(client_for, users, settings):
    annotate(users.owner, "Labour", note="elections everywhere", visibility="shared")
    indexing.flush()
    client = client_for(users.other)
    slow = "*e* OR *a* OR *o* OR *i*"
    settings.COMMONPLACE_SEARCH_BUDGET_MS = 1
    data = api(client, q=slow)
    assert any("took longer" in m for m in data["messages"])
    settings.COMMONPLACE_SEARCH_BUDGET_MS = 60_000
    data = api(client, q="elections")
    assert data["notes"]["count"] == 1
    assert data["messages"] == []


def test_did_you_mean_looks_up_a_bounded_number_of_words(client):
    # One paragraph holds all four words; each look-up walks every segment's words.
    three = "Momentm Lansmn Basment"
    assert api(client, q=three)["suggestion"] == "momentum lansman basement"
    data = api(client, q=f"{three} Transprt")
    assert data["count"] == 0
    # The fourth unknown word is not looked up: no suggestion can find more.
    assert data["suggestion"] is None


def test_a_fuzzy_prefix_longer_than_its_word_keeps_the_whole_word_with_a_message(client):
    # "a~2/3" asked to keep three letters of a one-letter word: it raised a 500.
    data = api(client, q="labour~1/99")
    assert data["count"] == api(client, q="labour~1/6")["count"] > 0
    assert data["messages"] == [
        "“labour” has fewer than 99 letters to keep unchanged, so all 6 were kept."
    ]
    assert api(client, q="a~2/3")["messages"] == [
        "“a” has fewer than 3 letters to keep unchanged, so all 1 were kept."
    ]


@pytest.mark.parametrize(
    "q",
    ["a~2/3", "é~2/3", "-a~2/3", "(a~2/3) OR b", "a*~2", "?~2/5", "~2/3", "a~2~2/3", "a~1/4~2"],
)
def test_malformed_fuzzy_prefix_and_wildcard_marks_never_fail(client, q):
    assert client.get("/api/search", {"q": q}).status_code == 200
    assert client.get("/search/", {"q": q}).status_code == 200
