"""Nothing a reader sees is kept by a cache unless its view says so: private, no-store."""

import json

import pytest
from django.test import Client

from archive.models import Paragraph
from tests.conftest import NEW_LABOUR, annotate

NO_STORE = "private, no-store"


@pytest.fixture
def owner(ingested, users, client_for):
    annotation = annotate(users.owner, "prawn cocktail", note="mine", tags=["City"])
    return client_for(users.owner), annotation


def test_pages_exports_and_the_api_are_not_stored(owner):
    client, annotation = owner
    paragraph = Paragraph.objects.get(pk=annotation.start_paragraph_id)
    urls = [
        "/accounts/token/",
        "/annotations/",
        "/tags/",
        annotation.tags.get().get_absolute_url(),
        f"/articles/{NEW_LABOUR}/",
        "/search/?q=labour",
        "/",
        "/api/annotations",
        f"/api/annotations/{annotation.pk}",
        "/api/search?q=labour",
        "/api/tags",
        "/api/nothing-here",
        "/no/such/page/",
    ]
    urls += [f"/annotations/export/?format={f}" for f in ("md", "csv", "json", "jsonld", "docx")]
    for url in urls:
        assert client.get(url)["Cache-Control"] == NO_STORE, url
    body = {"paragraph": paragraph.pk, "start": 0, "end": 5, "note": "new"}
    created = client.post("/api/annotations", json.dumps(body), content_type="application/json")
    assert created.status_code == 201
    assert created["Cache-Control"] == NO_STORE
    token = Client().post("/api/token", {"username": "owner", "password": "owner-pass-123"})
    assert token.json()["token"] and token["Cache-Control"] == NO_STORE


def test_a_view_that_sets_its_own_keeps_it(client, db):
    cache_control = client.get("/healthz")["Cache-Control"]
    assert "no-cache" in cache_control and "max-age=0" in cache_control


def test_static_files_keep_their_caching(db, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic
    response = Client().get("/static/css/commonplace.css")
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert "max-age" in response["Cache-Control"]
