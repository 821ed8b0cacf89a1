"""/a/<uid>/: an annotation's stable address opens the reader on it for whoever may see
it, and is the site's ordinary 404 for anyone else, as if there were no such annotation."""

import re
import uuid

import pytest

from annotations.models import Annotation
from tests.conftest import NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def not_found_page(client, uid) -> str:
    """The page, less what differs from one address or rendering to the next (the uid
    in the sign-in link's ?next=, the CSRF token)."""
    response = client.get(f"/a/{uid}/")
    assert response.status_code == 404
    return _CSRF.sub("", response.content.decode()).replace(str(uid), "UID")


@pytest.fixture
def notes(users):
    return {
        "shared": annotate(users.owner, "prawn cocktail offensive", visibility="shared"),
        "private": annotate(users.owner, "Trots?"),
    }


@pytest.mark.parametrize("who", ["owner", "other"])
def test_a_shared_annotation_opens_the_reader_on_it(client_for, users, notes, who):
    shared = notes["shared"]
    response = client_for(getattr(users, who)).get(f"/a/{shared.uid}/")
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{NEW_LABOUR}/?annotation={shared.pk}"


def test_its_owner_opens_a_private_one(client_for, users, notes):
    private = notes["private"]
    response = client_for(users.owner).get(private.get_permalink(), follow=True)
    assert response.status_code == 200
    assert response.context["page_json"]  # the reader, focused by ?annotation=
    assert response.redirect_chain[-1][0].endswith(f"?annotation={private.pk}")


@pytest.mark.parametrize("who", ["other", None])
def test_anyone_else_gets_the_same_404_as_for_no_annotation(client_for, users, notes, who):
    client = client_for(getattr(users, who) if who else None)
    private = not_found_page(client, notes["private"].uid)
    missing = not_found_page(client, uuid.uuid4())
    assert private == missing
    assert "Trots" not in private


def test_a_deleted_or_malformed_one_is_not_found(client_for, users, notes):
    client = client_for(users.owner)
    uid = notes["shared"].uid
    notes["shared"].delete()
    assert client.get(f"/a/{uid}/").status_code == 404
    assert client.get("/a/not-a-uid/").status_code == 404
    assert client.post(f"/a/{notes['private'].uid}/").status_code == 405
    assert client.head(f"/a/{notes['private'].uid}/").status_code == 302  # link checkers


def test_the_api_gives_each_annotation_its_permalink(client_for, users, notes):
    results = client_for(users.owner).get("/api/annotations").json()["results"]
    permalinks = {a["id"]: a["permalink"] for a in results}
    assert permalinks == {n.pk: f"http://testserver/a/{n.uid}/" for n in notes.values()}
    assert all(a["original_passage_url"] is None for a in results)


def test_the_api_links_to_the_passage_in_the_original(client_for, users, notes):
    shared = notes["shared"]
    shared.article.original_url = "https://www.newstatesman.com/rise#top"
    shared.article.save()
    data = client_for(users.other).get(f"/api/annotations/{shared.pk}").json()
    assert data["original_passage_url"].startswith("https://www.newstatesman.com/rise#:~:text=")
    assert "prawn%20cocktail%20offensive" in data["original_passage_url"]
    assert Annotation.objects.get(pk=shared.pk).get_permalink() == f"/a/{shared.uid}/"


def test_an_address_not_on_the_web_is_never_a_link(users, notes):
    shared = notes["shared"]
    shared.article.original_url = "javascript:alert(document.domain)//https://x/"
    shared.article.save()
    assert Annotation.objects.get(pk=shared.pk).original_passage_url() == ""
