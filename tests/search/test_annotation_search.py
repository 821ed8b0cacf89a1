"""Notes and tags in the search index: they follow every change, after it commits."""

import io
import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command

from annotations.permissions import Viewer
from archive.models import Paragraph
from search import indexing, outbox, query
from tests.conftest import annotate, on_each_backend

pytestmark = pytest.mark.usefixtures("ingested")


def search(client, **params) -> dict:
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def tag_counts(data: dict) -> dict:
    return {bucket["value"]: bucket["count"] for bucket in data["facets"]["tag"]}


@pytest.fixture
def owner(users, client_for):
    return client_for(users.owner)


def create(client, phrase, **fields):
    paragraph = Paragraph.objects.filter(text__contains=phrase).first()
    start = paragraph.text.index(phrase)
    body = {"paragraph": paragraph.pk, "start": start, "end": start + len(phrase), **fields}
    response = client.post("/api/annotations", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


@on_each_backend
def test_the_index_follows_annotations_after_commit(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = create(owner, "prawn cocktail offensive to evolve", tags=["City", "Finance"])
    assert callbacks, "indexing waits for the commit"
    data = search(owner, q="prawn")
    assert tag_counts(data) == {"city": 1, "finance": 1, "__none__": 1}
    assert {b["label"] for b in data["facets"]["tag"]} == {"City", "Finance", "Untagged"}
    assert search(owner, q="prawn", tag="City")["count"] == 1  # a name works as well as a slug
    assert search(owner, q="prawn", tag="__none__")["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        owner.patch(
            f"/api/annotations/{created['id']}",
            json.dumps({"tags": ["Economy"]}),
            content_type="application/json",
        )
    assert tag_counts(search(owner, q="prawn")) == {"economy": 1, "__none__": 1}

    other = Paragraph.objects.get(text__contains="New Labour as such is dead")
    with django_capture_on_commit_callbacks(execute=True):
        owner.patch(
            f"/api/annotations/{created['id']}",
            json.dumps({"paragraph": other.pk, "start": 0, "end": 10}),
            content_type="application/json",
        )
    assert search(owner, q="prawn", tag="economy")["count"] == 0
    assert search(owner, q="dead", tag="economy")["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        owner.delete(f"/api/annotations/{created['id']}")
    assert search(owner, q="dead", tag="economy")["count"] == 0
    assert outbox.pending_count() == 0


@on_each_backend
def test_notes_and_tags_are_searchable(owner, users):
    annotate(users.owner, "prawn cocktail", note="The elephant in the room", tags=["Metaphor"])
    indexing.flush()
    notes = search(owner, q="elephants")["notes"]  # stemmed, like the text
    assert notes["count"] == 1
    (note,) = notes["results"]
    assert note["snippet"] == "The <mark>elephant</mark> in the room"
    assert (note["quote"], note["tags"], note["user"]) == ("prawn cocktail", ["Metaphor"], "owner")
    assert note["url"].endswith(f"?annotation={note['id']}")
    assert search(owner, q="metaphor")["notes"]["count"] == 1
    assert search(owner, q="elephant")["count"] == 0  # no paragraph holds the word


def test_paragraph_hits_never_include_annotations_as_they_come_and_go(owner, users):
    # A paragraph search masks annotation documents out, and keeps the mask between
    # searches: it must follow the index as annotations are added and deleted.
    first = annotate(users.owner, "prawn cocktail", note="An elephant", visibility="shared")
    indexing.flush()
    assert search(owner, q="elephant")["count"] == 0
    later = annotate(users.owner, "New Labour as such is dead", note="Another elephant, dead")
    indexing.flush()
    for q in ["elephant", "dead", "elephant OR dead"]:
        data = search(owner, q=q)
        paragraphs = set(Paragraph.objects.values_list("pk", flat=True))
        assert {hit["paragraph_id"] for hit in data["results"]} <= paragraphs
        assert data["count"] == sum(bucket["count"] for bucket in data["facets"]["article"])
    assert search(owner, q="elephant")["count"] == 0
    assert search(owner, q="elephant")["notes"]["count"] == 2
    for gone in (first, later):
        assert owner.delete(f"/api/annotations/{gone.pk}").status_code == 204
    indexing.flush()
    assert search(owner, q="elephant")["notes"]["count"] == 0
    # Counted in Python: "\b" is a word boundary in SQLite's regex but a backspace
    # in PostgreSQL's, so a database regex would count differently on each.
    texts = Paragraph.objects.values_list("text", flat=True)
    holding_dead = sum(1 for text in texts if re.search(r"\bdead\b", text, re.IGNORECASE))
    assert holding_dead > 0
    assert search(owner, q="dead")["count"] == holding_dead


def test_the_selected_tag_survives_the_facet_limit(owner, users):
    annotate(users.owner, "prawn cocktail", tags=["Alpha", "Beta"])
    annotate(users.owner, "New Labour as such is dead", tags=["Alpha"])
    indexing.flush()
    data = search(owner, q="", tag="beta", facet_limit=1)
    assert data["count"] == 1
    assert tag_counts(data) == {"alpha": 1, "beta": 1}
    assert [b["value"] for b in search(owner, q="", facet_limit=1)["facets"]["tag"]] == [
        "__none__",
        "__other__",
    ]


def test_notes_found_beside_passages_are_those_a_notes_search_finds(users):
    # The notes beside the passages must be exactly those a search of the notes alone
    # finds, for every viewer, whatever the query's kind.
    for n, phrase in enumerate(["prawn cocktail", "New Labour as such is dead", "Momentum"]):
        for owner, visibility in [(users.owner, "private"), (users.other, "shared")]:
            note = f"Labour elephant number {n}, {visibility}"
            annotate(owner, phrase, note=note, tags=["Metaphor"], visibility=visibility)
    indexing.flush()
    for user in (users.owner, users.other, None):
        viewer = Viewer.of(user or AnonymousUser())
        for q in ["elephant", "labour", "elephant OR metaphor", "eleph*", "elephnt~", "zebra"]:
            outcome = query.search(query.SearchRequest(q=q), viewer)
            notes, count = query.search_notes(q, viewer, query.NOTES_SHOWN)
            assert outcome.notes_count == count, (user, q)
            assert {n.annotation.pk for n in outcome.notes} == {n.annotation.pk for n in notes}
            assert [n.tags for n in outcome.notes] == [["Metaphor"]] * len(notes)
    # A filtered search finds its notes with a search of their own, unfiltered.
    viewer = Viewer.of(users.owner)
    filtered = query.search(query.SearchRequest(q="elephant", filters={"year": "2017"}), viewer)
    assert filtered.notes_count == query.search_notes("elephant", viewer, 5)[1] == 6


def test_each_reader_gets_exactly_their_notes(users):
    annotate(users.owner, "prawn cocktail", note="A private elephant")
    annotate(users.other, "Momentum", note="A shared elephant", visibility="shared")
    indexing.flush()
    readers = User.objects.bulk_create(User(username=f"reader{n}") for n in range(70))
    for user, expected in [*((reader, 1) for reader in readers), (users.owner, 2), (readers[0], 1)]:
        outcome = query.search(query.SearchRequest(q="elephant"), Viewer.of(user))
        assert outcome.notes_count == expected, user


def test_a_private_note_never_becomes_a_suggestion(owner, users, client_for):
    annotate(users.owner, "prawn cocktail", note="Quetzalcoatlus, privately")
    indexing.flush()
    for client in (client_for(users.other), client_for(None), owner):
        data = search(client, q="Quetzalcoatlvs")
        assert (data["count"], data["suggestion"]) == (0, None)
    # The owner finds the note itself, under its own spelling.
    assert search(owner, q="Quetzalcoatlus")["notes"]["count"] == 1


def test_a_passage_across_paragraphs_tags_each(owner):
    first, second = Paragraph.objects.filter(article__slug__startswith="losing")[:2]
    response = owner.post(
        "/api/annotations",
        json.dumps(
            {"paragraph": first.pk, "start": 0, "end_paragraph": second.pk, "end": 5, "tags": ["x"]}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    indexing.flush()
    data = search(owner, q="", tag="x")
    assert {hit["paragraph_id"] for hit in data["results"]} == {first.pk, second.pk}


def test_rebuild_keeps_annotations(owner, users):
    annotate(users.owner, "prawn cocktail", note="unicorn", tags=["City"])
    call_command("rebuild_index", stdout=io.StringIO())
    assert search(owner, q="unicorn")["notes"]["count"] == 1
    assert tag_counts(search(owner, q="prawn")).get("city") == 1


def test_a_renamed_tag_is_renamed_in_the_index(owner, users, client_for):
    annotate(users.owner, "prawn cocktail", tags=["City"])
    indexing.flush()
    owner.post("/annotations/tags/rename/", {"tag": "city", "name": "Square Mile"})
    indexing.flush()
    assert tag_counts(search(owner, q="prawn")).get("square-mile") == 1
    assert "city" not in tag_counts(search(owner, q="prawn"))


def test_did_you_mean_never_spells_a_word_of_a_note(users, client_for):
    """A private note holds a rare word: its misspelling OR'ed with a misspelt common word
    once made the suggestion spell the rare word out, to anyone."""
    annotate(users.owner, "prawn cocktail", note="Quetzalcoatlus, privately", tags=["Pterosaur"])
    annotate(users.owner, "Momentum", note="Ornithocheirus", visibility="shared")
    indexing.flush()
    for client in (client_for(None), client_for(users.other), client_for(users.owner)):
        for q in ("Quetzalcoatlvs OR Labuor", "Pterosavr OR Labuor", "Ornithocheirvs OR Labuor"):
            data = search(client, q=q)
            suggestion = (data["suggestion"] or "").lower()
            assert "labour" in suggestion, q  # the paragraphs' own word is offered
            for word in ("quetzalcoatlus", "pterosaur", "ornithocheirus"):
                assert word not in suggestion, (q, suggestion)


def test_paragraph_scores_owe_nothing_to_notes(users, client_for):
    """Scores are public (/api/search): a private note's words, or the number of notes,
    must not move them. (A tagged annotation re-indexes the paragraphs it covers, which
    shifts statistics until Whoosh merges the deleted documents away: see README.)"""
    anonymous = client_for(None)

    def scores() -> dict:
        data = search(anonymous, q="cocktail OR Labour OR prawn", sort="relevance")
        return {hit["paragraph_id"]: hit["score"] for hit in data["results"]}

    before = scores()
    assert before
    for n in range(5):
        annotate(users.owner, "prawn cocktail", note=f"cocktail cocktail prawn {n}")
    indexing.flush()
    assert scores() == before


# Enough words of one prefix, all before "zqzz" in the alphabet, to pass the cut.
HIDDEN_WORDS = " ".join(f"zq{a}{b}" for a in "abcdefghij" for b in "abcdefghij")


@pytest.mark.parametrize("q", ["zq*", "zq?z", "zqzy~1", "zqzz"])
def test_expanding_a_term_in_notes_never_counts_words_of_notes_one_may_not_see(
    users, client_for, settings, q
):
    """A private note's words once stood among the words a prefix, wildcard or fuzzy term
    expanded to in the notes: the "matches too many words" message, and where the cut
    fell (which shared notes were then found), told others what the note held."""
    settings.COMMONPLACE_ANONYMOUS_READS_SHARED = True
    annotate(users.other, "Momentum", note="zqzz, shared", visibility="shared")
    indexing.flush()
    readers = [client_for(None), client_for(users.other), client_for(users.staff)]
    before = [search(reader, q=q) for reader in readers]
    assert before[1]["notes"]["count"] == 1  # the shared note is found, by its writer too
    annotate(users.owner, "prawn cocktail", note=HIDDEN_WORDS)
    indexing.flush()
    assert [search(reader, q=q) for reader in readers] == before
    # Its writer searches their own note's words (the cut said, as it happens), and still
    # finds the shared note, whose word comes after the cut.
    mine = search(client_for(users.owner), q="zq*")
    assert mine["notes"]["count"] == 2
    assert any(m.startswith("zq* matches too many words") for m in mine["messages"])


def test_note_snippets_show_the_notes_words_not_their_markdown(
    owner, users, django_capture_on_commit_callbacks
):
    note = "**Prawn** cocktails are _back_: see [the menu](https://example.com) <b>now</b>"
    with django_capture_on_commit_callbacks(execute=True):
        annotate(users.owner, "prawn cocktail", note=note)
    (found,) = search(owner, q="cocktails")["notes"]["results"]
    assert found["snippet"] == (
        "Prawn <mark>cocktails</mark> are back: see the menu &lt;b&gt;now&lt;/b&gt;"
    )
    page = owner.get("/search/", {"q": "cocktails"}).content.decode()
    assert "<mark>cocktails</mark> are back: see the menu" in page and "**" not in page
