"""Privacy does not wait for the search index: what is made private, untagged or deleted
is gone from every result, facet, count and suggestion as soon as it is acknowledged, even
while another process holds the index (a long ingest), and the write is acknowledged
within two seconds all the same."""

import json
import time

import pytest

from search import indexing, outbox
from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")

MARKER = "quillwort"  # in the note alone


@pytest.fixture
def shared_note(users):
    annotation = annotate(
        users.owner, "prawn cocktail", note=f"A {MARKER} note", tags=["Hush"], visibility="shared"
    )
    indexing.flush()
    return annotation


def what_others_see(client) -> dict:
    facets = client.get("/api/search", {"q": "prawn"}).json()
    return {
        "tag facet": sorted(b["value"] for b in facets["facets"]["tag"]),
        "tag filter": client.get("/api/search", {"q": "prawn", "tag": "hush"}).json()["count"],
        "notes": client.get("/api/search", {"q": MARKER}).json()["notes"]["count"],
        "tags": [t["slug"] for t in client.get("/api/tags").json()["results"]],
        "tag page": client.get("/tags/hush/").status_code,
        "search page": f"<mark>{MARKER}</mark>"
        in client.get("/search/", {"q": MARKER}).content.decode(),
    }


SEEN = {
    "tag facet": ["__none__", "hush"],
    "tag filter": 1,
    "notes": 1,
    "tags": ["hush"],
    "tag page": 200,
    "search page": True,
}
UNSEEN = {
    "tag facet": ["__none__"],
    "tag filter": 0,
    "notes": 0,
    "tags": [],
    "tag page": 404,
    "search page": False,
}


def change(client, annotation, method: str, body: dict | None, capture) -> float:
    """Make the change as the reader would, running what follows its commit; seconds taken."""
    began = time.monotonic()
    with capture(execute=True):
        response = getattr(client, method)(
            f"/api/annotations/{annotation.pk}",
            json.dumps(body or {}),
            content_type="application/json",
        )
    assert response.status_code in (200, 204), response.content
    return time.monotonic() - began


@pytest.mark.parametrize(
    "method, body",
    [
        ("patch", {"visibility": "private"}),
        ("patch", {"tags": [], "note": "nothing here"}),
        ("delete", None),
    ],
    ids=["made private", "untagged", "deleted"],
)
def test_a_change_hides_at_once_while_the_index_is_held(
    client_for,
    users,
    shared_note,
    index_held_elsewhere,
    django_capture_on_commit_callbacks,
    method,
    body,
):
    other = client_for(users.other)
    assert what_others_see(other) == SEEN
    took = change(
        client_for(users.owner), shared_note, method, body, django_capture_on_commit_callbacks
    )
    assert took < 2.0
    assert outbox.pending_count() > 0  # the index has not taken it in yet
    assert what_others_see(other) == UNSEEN


def test_once_the_index_catches_up_it_agrees(
    client_for, users, shared_note, django_capture_on_commit_callbacks
):
    other = client_for(users.other)
    change(
        client_for(users.owner),
        shared_note,
        "patch",
        {"visibility": "private"},
        django_capture_on_commit_callbacks,
    )
    indexing.flush()
    assert outbox.pending_count() == 0
    assert what_others_see(other) == UNSEEN
    # The owner still sees their own, now private, note and tag.
    mine = client_for(users.owner).get("/api/search", {"q": MARKER}).json()
    assert mine["notes"]["count"] == 1
