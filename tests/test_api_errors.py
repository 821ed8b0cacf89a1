"""The API answers JSON, always: bad bodies are 400s with a message, never a 500 or HTML."""

import json

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
