"""Saving as the reader saves: once per client key, the note previewed as it will be
saved, and the text-changed mark cleared by its owner alone."""

import json

import pytest

from annotations.models import Annotation
from tests.annotations.conftest import passage_body, patch, post
from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")


def test_a_repeated_post_with_its_client_key_returns_what_the_first_made(
    owner_client, client_for, users, prawn
):
    key = "0b6b7e0e-8f5c-4d0e-b1f4-5a3e6f1c2d3b"
    body = passage_body(prawn, "prawn cocktail", note="Once", client_key=key)
    first = post(owner_client, body)
    assert first.status_code == 201, first.content
    again = post(owner_client, body)
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert "client_key" not in first.json()
    # The key is the owner's: someone else using the same one makes their own.
    theirs = post(client_for(users.other), body)
    assert theirs.status_code == 201
    assert Annotation.objects.filter(client_key=key).count() == 2
    # Without a key, each POST makes one, as before.
    plain = passage_body(prawn, "prawn cocktail")
    assert post(owner_client, plain).status_code == post(owner_client, plain).status_code == 201
    assert Annotation.objects.count() == 4


def test_a_client_key_that_is_not_a_uuid_is_a_400(owner_client, prawn):
    response = post(owner_client, passage_body(prawn, "prawn cocktail", client_key="twice"))
    assert response.status_code == 400
    assert "client_key" in response.json()


def test_a_note_preview_is_the_saved_rendering(owner_client):
    note = "A **bold** claim, see https://example.org/a and <script>x</script>"
    response = owner_client.post(
        "/api/notes/preview", json.dumps({"note": note}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    html = response.json()["note_html"]
    assert "<strong>bold</strong>" in html
    assert (
        '<a href="https://example.org/a" target="_blank" rel="nofollow noopener noreferrer">'
        "https://example.org/a</a>" in html
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "body", [{}, {"note": ["a list"]}, {"note": "x" * 20_001}], ids=["none", "list", "long"]
)
def test_a_bad_note_preview_is_a_400_naming_the_note(owner_client, body):
    response = owner_client.post(
        "/api/notes/preview", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert "note" in response.json()


def test_only_annotators_preview_notes(client_for):
    response = client_for(None).post(
        "/api/notes/preview", json.dumps({"note": "hi"}), content_type="application/json"
    )
    assert response.status_code == 401


def test_the_owner_clears_text_changed_once_checked(owner_client, client_for, users):
    annotation = annotate(users.owner, "prawn cocktail", visibility="shared")
    Annotation.objects.filter(pk=annotation.pk).update(anchor=Annotation.Anchor.FUZZY)
    assert patch(client_for(users.other), annotation.pk, {"anchor": "anchored"}).status_code == 403
    cleared = patch(owner_client, annotation.pk, {"anchor": "anchored"})
    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["anchor"] == "anchored"
    annotation.refresh_from_db()
    assert annotation.anchor == "anchored" and annotation.version == 2
    assert annotation.start_paragraph_id is not None


@pytest.mark.parametrize(
    "before, sent",
    [("anchored", "fuzzy"), ("anchored", "orphaned"), ("orphaned", "anchored"), ("fuzzy", "x")],
)
def test_no_other_anchor_change_is_taken(owner_client, users, before, sent):
    annotation = annotate(users.owner, "prawn cocktail")
    Annotation.objects.filter(pk=annotation.pk).update(anchor=before)
    response = patch(owner_client, annotation.pk, {"anchor": sent})
    assert response.status_code == 400
    assert "anchor" in response.json()
    annotation.refresh_from_db()
    assert annotation.anchor == before


def test_a_new_annotation_is_placed_by_the_server_whatever_anchor_it_sends(owner_client, prawn):
    response = post(owner_client, passage_body(prawn, "prawn cocktail", anchor="orphaned"))
    assert response.status_code == 201
    assert response.json()["anchor"] == "anchored"
