"""The API answers JSON, always: bad bodies are 400s with a message, never a 500 or HTML."""

import json
import shutil
import threading

import haystack
import pytest
from rest_framework.authtoken.models import Token

from annotations.models import Annotation
from archive.models import Paragraph
from tests.conftest import annotate

DEEP_ARRAY = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
BAD_JSON = {
    "nested arrays": DEEP_ARRAY,
    "nested objects": DEEP_OBJECT,
    "nested in a field": '{"note": ' + DEEP_ARRAY + "}",
    "truncated": '{"note": "half',
    "not JSON": "note=hello",
    "NaN": '{"start": NaN}',
    "a huge number": '{"start": ' + "9" * 5000 + "}",
    "a list": "[1, 2, 3]",
    "a string": '"hello"',
}


def assert_json_error(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body, "an error says what was wrong"
    return body


@pytest.mark.parametrize("body", BAD_JSON.values(), ids=BAD_JSON.keys())
def test_bad_json_to_the_token_door_is_a_400(body, client, users):
    response = client.post("/api/token", body, content_type="application/json")
    assert_json_error(response)
    assert not Token.objects.exists()


def test_a_deep_document_says_why(client, db):
    response = client.post("/api/token", DEEP_ARRAY, content_type="application/json")
    assert "nested too deeply" in assert_json_error(response)["detail"]


@pytest.mark.parametrize("body", BAD_JSON.values(), ids=BAD_JSON.keys())
def test_bad_json_to_the_annotation_endpoints_is_a_400(body, ingested, users, client_for):
    client = client_for(users.owner)
    annotation = annotate(users.owner, "prawn cocktail", note="kept")
    created = client.post("/api/annotations", body, content_type="application/json")
    changed = client.patch(
        f"/api/annotations/{annotation.pk}", body, content_type="application/json"
    )
    assert_json_error(created)
    assert_json_error(changed)
    assert list(Annotation.objects.values_list("note", flat=True)) == ["kept"]


def test_the_token_door_keeps_its_contract(client, users):
    form = client.post("/api/token", {"username": "owner", "password": "owner-pass-123"})
    as_json = client.post(
        "/api/token",
        json.dumps({"username": "owner", "password": "owner-pass-123"}),
        content_type="application/json",
    )
    key = Token.objects.get(user=users.owner).key
    assert form.json() == as_json.json() == {"token": key}
    wrong = client.post("/api/token", {"username": "owner", "password": "wrong"})
    assert assert_json_error(wrong)["non_field_errors"]


def test_a_moderately_deep_document_is_a_field_error(ingested, users, client_for):
    paragraph = Paragraph.objects.first()
    body = {
        "paragraph": paragraph.pk,
        "start": 0,
        "end": 3,
        "note": json.loads("[" * 500 + "]" * 500),
    }
    response = client_for(users.owner).post(
        "/api/annotations", json.dumps(body), content_type="application/json"
    )
    assert "note" in assert_json_error(response)


# Errors outside the views: oversize bodies, unknown addresses, a search index gone ----------


@pytest.fixture
def small_uploads(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    return "x" * 20_000


def test_an_oversize_body_is_a_json_413(small_uploads, ingested, users, client_for):
    note = json.dumps({"paragraph": Paragraph.objects.first().pk, "note": small_uploads})
    answers = [
        client_for(users.owner).post("/api/annotations", note, content_type="application/json"),
        client_for(None).post("/api/token", {"username": small_uploads, "password": "x"}),
        client_for(None).post("/api/token", note, content_type="application/json"),
    ]
    for response in answers:
        assert "too large" in assert_json_error(response, 413)["detail"]
    assert not Annotation.objects.exists()


def test_an_unknown_api_address_is_a_json_404(client, db):
    assert assert_json_error(client.get("/api/nothing-here"), 404)["detail"]


def remove_the_index(client, search_index) -> None:
    """Delete the index under a server that has already searched it."""
    assert client.get("/api/search", {"q": "labour"}).json()["count"] > 0
    shutil.rmtree(search_index)


def test_a_missing_search_index_is_a_json_503(ingested, client, search_index, caplog):
    remove_the_index(client, search_index)
    response = client.get("/api/search", {"q": "labour"})
    assert "Search is unavailable" in assert_json_error(response, 503)["detail"]
    assert str(search_index) not in response.content.decode()  # no internals leak out
    assert "The search backend failed" in caplog.text  # the operator still sees why


def test_an_index_that_is_not_a_folder_is_a_json_503(ingested, client, search_index):
    shutil.rmtree(search_index)
    search_index.write_text("not an index")
    haystack.connections.thread_local = threading.local()  # a process starting afresh
    assert_json_error(client.get("/api/search", {"q": "labour"}), 503)
