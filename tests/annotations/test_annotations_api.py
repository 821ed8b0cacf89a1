"""/api/annotations and /api/tags: the contract, every bad input, CSRF and tokens."""

import json

import pytest
from rest_framework.authtoken.models import Token

from annotations.models import Annotation, Tag
from archive.models import Paragraph
from tests.annotations.conftest import passage_body, patch, post
from tests.conftest import MOMENTUM, NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")

ANNOTATION_FIELDS = {
    "id",
    "article",
    "paragraph",
    "start",
    "end_paragraph",
    "end",
    "quote",
    "prefix",
    "suffix",
    "note",
    "note_html",
    "tags",
    "visibility",
    "user",
    "created",
    "modified",
    "url",
}


def test_create(owner_client, prawn):
    body = passage_body(
        prawn,
        "prawn cocktail offensive",
        note="The *turning* point.",
        tags=["City", "finance"],
        visibility="shared",
        quote="prawn cocktail offensive",
    )
    response = post(owner_client, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) >= ANNOTATION_FIELDS
    start = prawn.text.index("prawn cocktail offensive")
    assert data["paragraph"] == data["end_paragraph"] == prawn.pk
    assert (data["start"], data["end"]) == (start, start + 24)
    assert data["quote"] == "prawn cocktail offensive"
    assert data["prefix"] == prawn.text[start - 32 : start]
    assert data["suffix"] == prawn.text[start + 24 : start + 56]
    assert data["note_html"] == "<p>The <em>turning</em> point.</p>\n"
    assert data["tags"] == ["City", "finance"]
    assert data["visibility"] == "shared"
    assert data["user"] == "owner"
    assert data["article"] == {"slug": NEW_LABOUR, "title": "The rise and fall of New Labour"}
    assert data["url"] == f"http://testserver/articles/{NEW_LABOUR}/?annotation={data['id']}"
    annotation = Annotation.objects.get(pk=data["id"])
    assert annotation.owner.username == "owner"
    assert annotation.quote == prawn.text[start : start + 24]


def test_defaults_and_a_passage_across_paragraphs(owner_client):
    first, second = Paragraph.objects.filter(article__slug=MOMENTUM).order_by("position")[:2]
    response = post(
        owner_client,
        {"paragraph": first.pk, "start": 4, "end_paragraph": second.pk, "end": 15},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["visibility"] == "private"
    assert (data["tags"], data["note"], data["note_html"]) == ([], "", "")
    assert data["quote"] == first.text[4:] + "\n\n" + second.text[:15]
    assert data["end_paragraph"] == second.pk


def test_offsets_count_code_points(owner_client, write_file):
    from django.core.management import call_command

    path = write_file("emoji.txt", "Emoji\n\nStandfirst\n\n🗳️ 🇬🇧 Vote: the ballot box decides.\n")
    call_command("ingest", str(path), stdout=None)
    paragraph = Paragraph.objects.get(text__startswith="🗳️")
    start = paragraph.text.index("ballot box")  # a Python index: code points
    response = post(owner_client, {"paragraph": paragraph.pk, "start": start, "end": start + 10})
    assert response.status_code == 201
    assert response.json()["quote"] == "ballot box"
    assert response.json()["prefix"] == "🗳️ 🇬🇧 Vote: the "


def test_tags_are_case_insensitive_and_deduplicated(owner_client, prawn, users):
    annotate(users.owner, "prawn cocktail", tags=["Labour"])
    annotate(users.other, "prawn cocktail", tags=["LaBoUr"])  # another's: no bearing
    response = post(owner_client, passage_body(prawn, "City", tags=["labour", "LABOUR", " City "]))
    assert response.status_code == 201
    assert response.json()["tags"] == ["City", "Labour"]
    mine = Tag.objects.filter(audience=f"user:{users.owner.pk}")
    assert mine.filter(name__iexact="labour").count() == 1


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"start": 10_000}, "start", "is outside paragraph"),
        ({"end": 10_000}, "end", "is outside paragraph"),
        ({"start": 30, "end": 10}, "end", "must come after start"),
        ({"start": 10, "end": 10}, "end", "must come after start"),
        ({"start": -1}, "start", "greater than or equal to 0"),
        ({"paragraph": 999_999}, "paragraph", "There is no paragraph 999999"),
        ({"end_paragraph": 999_999}, "end_paragraph", "There is no paragraph 999999"),
        ({"paragraph": "abc"}, "paragraph", "A valid integer is required"),
        ({"start": "x"}, "start", "A valid integer is required"),
        ({"start": 1.5}, "start", "A valid integer is required"),
        ({"start": None}, "start", "may not be null"),
        ({"tags": "City"}, "tags", "Expected a list"),
        ({"tags": [""]}, "tags", "may not be blank"),
        ({"tags": ["x" * 101]}, "tags", "no more than 100 characters"),
        ({"tags": [str(n) for n in range(51)]}, "tags", "no more than 50"),
        ({"tags": [{"a": 1}]}, "tags", "Not a valid string"),
        ({"note": "x" * 20_001}, "note", "no more than 20000 characters"),
        ({"note": ["a list"]}, "note", "Not a valid string"),
        ({"visibility": "public"}, "visibility", "not a valid choice"),
        ({"quote": "something else"}, "quote", "Does not match the text at these offsets"),
    ],
)
def test_bad_input_is_400_with_a_message_for_the_field(owner_client, prawn, change, field, message):
    body = passage_body(prawn, "prawn cocktail offensive") | change
    response = post(owner_client, body)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert message in json.dumps(errors[field], ensure_ascii=False)
    assert not Annotation.objects.exists()


def test_missing_fields(owner_client):
    response = post(owner_client, {})
    assert response.status_code == 400
    assert set(response.json()) >= {"paragraph", "start", "end"}


def test_end_paragraph_in_another_article_or_before_the_start(owner_client, prawn):
    elsewhere = Paragraph.objects.filter(article__slug=MOMENTUM).first()
    response = post(owner_client, passage_body(prawn, "prawn") | {"end_paragraph": elsewhere.pk})
    assert response.status_code == 400
    assert "another article" in response.json()["end_paragraph"][0]
    before = Paragraph.objects.get(article=prawn.article, position=prawn.position - 1)
    response = post(owner_client, passage_body(prawn, "prawn") | {"end_paragraph": before.pk})
    assert response.status_code == 400
    assert "before the start paragraph" in response.json()["end_paragraph"][0]


@pytest.mark.parametrize(
    "raw", [b"not json", b"[1, 2]", b'"a string"', b"{", json.dumps({"a": 1e999}).encode()]
)
def test_malformed_bodies_are_400(owner_client, raw):
    response = owner_client.post("/api/annotations", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()


def test_whitespace_only_passage_is_refused(owner_client, prawn):
    start = prawn.text.index(" ")
    response = post(owner_client, {"paragraph": prawn.pk, "start": start, "end": start + 1})
    assert response.status_code == 400
    assert response.json()["end"] == ["The passage holds no text."]


def test_read_patch_delete(owner_client, users):
    annotation = annotate(users.owner, "prawn cocktail", note="first")
    response = owner_client.get(f"/api/annotations/{annotation.pk}")
    assert response.status_code == 200
    assert set(response.json()) >= ANNOTATION_FIELDS
    response = patch(owner_client, annotation.pk, {"note": "**second**", "tags": ["A", "b"]})
    assert response.status_code == 200, response.content
    assert response.json()["note_html"] == "<p><strong>second</strong></p>\n"
    assert response.json()["tags"] == ["A", "b"]
    assert response.json()["quote"] == "prawn cocktail"
    annotation.refresh_from_db()
    assert annotation.modified > annotation.created
    response = patch(owner_client, annotation.pk, {"visibility": "shared"})
    assert response.json()["visibility"] == "shared"
    assert owner_client.delete(f"/api/annotations/{annotation.pk}").status_code == 204
    assert owner_client.get(f"/api/annotations/{annotation.pk}").status_code == 404
    assert not Annotation.objects.exists()


def test_patch_moves_the_passage(owner_client, users, prawn):
    annotation = annotate(users.owner, "prawn cocktail offensive")
    response = patch(owner_client, annotation.pk, passage_body(prawn, "fawning dependence"))
    assert response.status_code == 200, response.content
    assert response.json()["quote"] == "fawning dependence"
    response = patch(owner_client, annotation.pk, {"start": 10_000})
    assert response.status_code == 400 and "start" in response.json()
    response = patch(owner_client, annotation.pk, {"quote": "x"})
    assert response.status_code == 400 and "quote" in response.json()


def test_put_is_not_offered(owner_client, users):
    annotation = annotate(users.owner, "prawn cocktail")
    response = owner_client.put(
        f"/api/annotations/{annotation.pk}", "{}", content_type="application/json"
    )
    assert response.status_code == 405


def test_list_filters(client_for, users):
    one = annotate(users.owner, "prawn cocktail", note="on finance", tags=["City"])
    two = annotate(users.owner, "Trots?", note="a joke", tags=["humour"], visibility="shared")
    annotate(users.other, "Sabotage", tags=["humour"], visibility="shared")
    client = client_for(users.owner)

    def ids(**params):
        data = client.get("/api/annotations", params).json()
        assert data["count"] == len(data["results"])
        return [a["id"] for a in data["results"]]

    assert len(ids()) == 3
    assert ids(article=NEW_LABOUR) == [one.pk]
    assert ids(tag="city") == [one.pk]
    assert len(ids(tag="humour")) == 2
    assert len(ids(user="other")) == 1
    assert ids(q="FINANCE") == [one.pk]
    assert ids(q="Trots") == [two.pk]
    assert ids(orphaned="1") == []


def test_list_is_in_document_order(client_for, users):
    late = annotate(users.owner, "Correction: This article")
    early = annotate(users.owner, "The bus to the Momentum")
    first = annotate(users.owner, "The era of Labour hegemony")
    data = client_for(users.owner).get("/api/annotations").json()
    assert [a["id"] for a in data["results"]] == [first.pk, early.pk, late.pk]


def test_session_writes_need_a_csrf_token(users, client_for, prawn):
    client = client_for(users.owner, enforce_csrf_checks=True)
    response = post(client, passage_body(prawn, "prawn"))
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    client.get(f"/articles/{NEW_LABOUR}/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = post(client, passage_body(prawn, "prawn"), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_token_auth_for_scripts(users, client_for, prawn):
    token = Token.objects.create(user=users.owner)
    script = client_for(None, enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    response = post(script, passage_body(prawn, "prawn"), **auth)
    assert response.status_code == 201
    assert response.json()["user"] == "owner"
    assert script.get("/api/annotations", **auth).json()["count"] == 1
    bad = post(script, passage_body(prawn, "prawn"), HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 401


def test_obtain_a_token_with_a_password(users, client_for):
    response = client_for(None).post(
        "/api/token", {"username": "owner", "password": "owner-pass-123"}
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=users.owner).key


def test_anonymous_cannot_write(client_for, prawn, users):
    client = client_for(None)
    assert post(client, passage_body(prawn, "prawn")).status_code in (401, 403)
    annotation = annotate(users.owner, "prawn cocktail", visibility="shared")
    assert patch(client, annotation.pk, {"note": "x"}).status_code in (401, 403, 404)
    assert client.delete(f"/api/annotations/{annotation.pk}").status_code in (401, 403, 404)
    assert Annotation.objects.get().note == ""


def test_tags_endpoint_counts_what_the_caller_may_see(client_for, users):
    annotate(users.owner, "prawn cocktail", tags=["City", "secret"])
    annotate(users.other, "Trots?", tags=["City"], visibility="shared")
    annotate(users.other, "Sabotage", tags=["hidden"])
    Tag.objects.filter(name="City", audience="shared").update(description="Finance and the City")
    Tag.objects.filter(name="hidden").update(description="Mine")
    data = client_for(users.owner).get("/api/tags").json()
    assert data["count"] == 2
    assert data["results"] == [
        {
            "name": "City",
            "slug": "city",
            "count": 2,
            "description": "Finance and the City",
            "url": "/tags/city/",
        },
        {"name": "secret", "slug": "secret", "count": 1, "description": "", "url": "/tags/secret/"},
    ]
    other = client_for(users.other).get("/api/tags").json()
    assert {t["name"]: (t["count"], t["description"]) for t in other["results"]} == {
        "City": (1, "Finance and the City"),
        "hidden": (1, "Mine"),
    }
    assert client_for(None).get("/api/tags").json() == {"count": 0, "results": []}


def test_note_markup_is_sanitised(owner_client, prawn):
    note = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    response = post(owner_client, passage_body(prawn, "prawn", note=note))
    html = response.json()["note_html"]
    elements = parse_html(html)
    assert {tag for tag, _ in elements} <= {"p"}
    assert all(not attributes for _, attributes in elements)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def parse_html(html: str) -> list[tuple[str, list]]:
    """Every element in an HTML fragment, with its attributes."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_openapi_describes_annotations(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/annotations", "/api/annotations/{id}", "/api/tags"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/annotations/{id}"]) >= {"get", "patch", "delete"}
    fields = schema["components"]["schemas"]["Annotation"]["properties"]
    assert set(fields) >= ANNOTATION_FIELDS
