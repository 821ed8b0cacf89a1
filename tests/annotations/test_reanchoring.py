"""Annotations follow their text when ingest changes an article, and are never moved
silently to a lookalike: moved, re-anchored fuzzily (and marked), or orphaned."""

import io
import json

import pytest
from django.core.management import call_command

from annotations.anchoring import ArticleText, Outcome, Passage, Position, map_offset, reanchor
from annotations.models import Annotation
from archive.models import Paragraph
from tests.conftest import CORPUS, annotate

# The plain module ---------------------------------------------------------------------------

OLD = ArticleText(
    [
        (1, "The bus leaves at seven from Euston."),
        (2, "We wait for another coach at a service station."),
        (3, "Sabotage, says one man."),
    ]
)
WAIT = Passage(Position(2, 7), Position(2, 30))  # " for another coach at a"


def test_article_text_joins_paragraphs_with_a_blank_line():
    passage = Passage(Position(1, 18), Position(2, 7))
    assert OLD.quote(passage) == "seven from Euston.\n\nWe wait"
    assert OLD.context(WAIT) == ("We wait", " service station.")
    assert OLD.position_at(OLD.offset_of(Position(2, 0)) - 1, end=False) == Position(2, 0)
    assert OLD.position_at(OLD.offset_of(Position(2, 0)) - 1, end=True) == Position(1, 36)


def test_map_offset_through_a_diff():
    assert map_offset("abcdef", "XXabcdef", 2, end=False) == 4
    assert map_offset("abcdef", "abXcdef", 3, end=False) == 4
    assert map_offset("abcdef", "abXcdef", 2, end=True) == 2
    assert map_offset("abcdef", "abYef", 3, end=False) is None


def test_unchanged_text_leaves_the_passage_alone():
    result = reanchor(OLD, OLD, WAIT, OLD.quote(WAIT), *OLD.context(WAIT))
    assert (result.outcome, result.passage) == (Outcome.UNCHANGED, WAIT)


def test_an_edit_before_the_passage_moves_it():
    new = ArticleText([(1, "The bus."), (2, "Then we wait for another coach at a stop."), (3, "x")])
    result = reanchor(OLD, new, WAIT, OLD.quote(WAIT), *OLD.context(WAIT))
    assert result.outcome is Outcome.MOVED
    assert result.passage == Passage(Position(2, 12), Position(2, 35))
    assert result.quote == OLD.quote(WAIT)


def test_text_moved_to_another_paragraph_is_found_by_its_quote():
    new = ArticleText([(1, "The bus."), (9, "Later, we wait for another coach at a stop.")])
    result = reanchor(OLD, new, WAIT, OLD.quote(WAIT), *OLD.context(WAIT))
    assert result.outcome is Outcome.MOVED
    assert result.passage.start.paragraph == 9
    assert result.quote == " for another coach at a"


def test_an_edit_inside_the_passage_is_fuzzy():
    new = ArticleText([(1, "The bus."), (2, "We wait for an other coach at a service station.")])
    result = reanchor(OLD, new, WAIT, OLD.quote(WAIT), *OLD.context(WAIT))
    assert result.outcome is Outcome.FUZZY
    assert result.quote == " for an other coach at a"


def test_a_passage_that_is_gone_is_orphaned_not_moved_to_a_lookalike():
    new = ArticleText([(1, "The bus."), (3, "We waited for the train at a station.")])
    result = reanchor(OLD, new, WAIT, OLD.quote(WAIT), *OLD.context(WAIT))
    assert result.outcome is Outcome.ORPHANED
    assert result.passage is None


def test_a_repeated_quote_is_told_apart_by_its_context():
    old = ArticleText([(1, "alpha beta gamma. one."), (2, "delta beta gamma. two.")])
    passage = Passage(Position(2, 6), Position(2, 16))
    new = ArticleText([(1, "alpha beta gamma. one."), (7, "delta beta gamma. two three.")])
    result = reanchor(old, new, passage, "beta gamma", *old.context(passage))
    assert result.passage == Passage(Position(7, 6), Position(7, 16))


def test_the_minimum_score_is_respected():
    new = ArticleText([(1, "The bus."), (2, "We wait for a nother coach by a service station.")])
    strict = reanchor(OLD, new, WAIT, OLD.quote(WAIT), *OLD.context(WAIT), min_fuzzy_score=99)
    assert strict.outcome is Outcome.ORPHANED


# Through ingest -------------------------------------------------------------------------------


@pytest.fixture
def corpus_file(write_file, corpus_text, ingested):
    """The bundled corpus under its own name, so that re-ingesting it updates it."""
    return write_file(CORPUS.name, corpus_text)


def reingest(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", str(path), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_an_annotation_moves_with_an_edit_before_it(users, corpus_file, corpus_text):
    annotation = annotate(users.owner, "prawn cocktail offensive to evolve")
    modified = annotation.modified
    report = reingest(
        corpus_file,
        corpus_text.replace(
            "It was right to argue that Labour", "It was, some say, right to argue that Labour"
        ),
    )
    assert "1 annotation moved with the text" in report
    annotation.refresh_from_db()
    paragraph = annotation.start_paragraph
    assert annotation.quote == "prawn cocktail offensive to evolve"
    assert paragraph.text[annotation.start_offset : annotation.end_offset] == annotation.quote
    assert annotation.anchor == Annotation.Anchor.ANCHORED
    assert annotation.modified == modified  # the reader did not change it


def test_an_annotation_follows_its_text_into_a_new_paragraph(users, corpus_file, corpus_text):
    annotation = annotate(users.owner, "prawn cocktail offensive to evolve")
    old_paragraph = annotation.start_paragraph_id
    # Split the paragraph in two: its text now lives in a different paragraph row.
    changed = corpus_text.replace(
        "But it was a fundamental error", "Yet more.\n\nBut it was a fundamental error"
    )
    reingest(corpus_file, changed)
    annotation.refresh_from_db()
    assert annotation.anchor == Annotation.Anchor.ANCHORED
    paragraph = annotation.start_paragraph
    assert paragraph.text[annotation.start_offset : annotation.end_offset] == annotation.quote
    assert paragraph.text.startswith("But it was a fundamental error")
    assert Paragraph.objects.filter(pk=old_paragraph).exists()


def test_an_edit_inside_the_passage_is_marked_fuzzy(users, corpus_file, corpus_text, client_for):
    annotation = annotate(users.owner, "the prawn cocktail offensive to evolve into fawning")
    report = reingest(
        corpus_file,
        corpus_text.replace(
            "offensive to evolve into fawning", "offensive to evolve into a fawning"
        ),
    )
    assert "1 re-anchored to changed text (marked for checking)" in report
    annotation.refresh_from_db()
    assert annotation.anchor == Annotation.Anchor.FUZZY
    assert annotation.quote == "the prawn cocktail offensive to evolve into a fawning"
    page = client_for(users.owner).get("/annotations/").content.decode()
    assert "text changed" in page


def test_a_deleted_passage_is_orphaned_kept_and_listed(users, corpus_file, corpus_text, client_for):
    paragraph = Paragraph.objects.get(text__contains="fundamental error to allow the prawn")
    annotation = annotate(users.owner, "fundamental error to allow", note="Keep me", tags=["City"])
    report = reingest(corpus_file, corpus_text.replace(paragraph.text + "\n", ""))
    assert "1 orphaned, listed at /annotations/?orphaned=1" in report
    annotation.refresh_from_db()
    assert annotation.anchor == Annotation.Anchor.ORPHANED
    assert (annotation.start_paragraph, annotation.end_paragraph) == (None, None)
    assert (annotation.quote, annotation.note) == ("fundamental error to allow", "Keep me")
    assert [t.name for t in annotation.tags.all()] == ["City"]
    owner = client_for(users.owner)
    listed = owner.get("/annotations/", {"orphaned": "1"}).content.decode()
    assert "fundamental error to allow" in listed and f"?fix={annotation.pk}" in listed
    api = owner.get("/api/annotations", {"orphaned": "1"}).json()
    assert [a["id"] for a in api["results"]] == [annotation.pk]
    assert api["results"][0]["orphaned"] is True
    assert api["results"][0]["paragraph"] is None


def test_the_owner_reattaches_an_orphan(users, corpus_file, corpus_text, client_for):
    paragraph = Paragraph.objects.get(text__contains="fundamental error to allow the prawn")
    annotation = annotate(users.owner, "fundamental error to allow")
    reingest(corpus_file, corpus_text.replace(paragraph.text + "\n", ""))
    owner = client_for(users.owner)
    reader = owner.get(
        f"{annotation.article.get_absolute_url()}?fix={annotation.pk}"
    ).content.decode()
    assert "Select the passage this annotation belongs to" in reader
    target = Paragraph.objects.get(text__contains="New Labour as such is dead")
    start = target.text.index("New Labour as such is dead")
    response = owner.patch(
        f"/api/annotations/{annotation.pk}",
        json.dumps({"paragraph": target.pk, "start": start, "end": start + 26}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["orphaned"] is False
    annotation.refresh_from_db()
    assert annotation.anchor == Annotation.Anchor.ANCHORED
    assert annotation.quote == "New Labour as such is dead"


def test_reingesting_unchanged_text_touches_no_annotation(users, corpus_file, corpus_text):
    annotation = annotate(users.owner, "prawn cocktail offensive")
    before = Annotation.objects.values().get(pk=annotation.pk)
    report = reingest(corpus_file, corpus_text)
    assert "annotation" not in report
    assert Annotation.objects.values().get(pk=annotation.pk) == before


def test_a_passage_across_paragraphs_follows_an_insertion(users, corpus_file, corpus_text):
    first, second = Paragraph.objects.filter(article__slug__startswith="losing").order_by(
        "position"
    )[:2]
    annotation = Annotation(owner=users.owner, article_id=first.article_id)
    from annotations.models import article_text

    annotation.place(
        Passage(Position(first.pk, len(first.text) - 20), Position(second.pk, 15)),
        article_text(first.article_id),
    )
    annotation.save()
    quote = annotation.quote
    reingest(
        corpus_file, corpus_text.replace("1. The Bus\n", "1. The Bus\n\nA new opening line.\n")
    )
    annotation.refresh_from_db()
    assert annotation.quote == quote
    assert annotation.anchor == Annotation.Anchor.ANCHORED
