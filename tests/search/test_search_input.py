"""What a searcher may type and ask for: hostile queries, syntax errors and bad parameters
answered with messages, markup kept escaped; and the search page itself."""

import io
import re

import pytest
from django.core.management import call_command

from archive.models import Paragraph
from tests.conftest import MOMENTUM, NEW_LABOUR, article_text, on_each_backend
from tests.search.conftest import api

pytestmark = pytest.mark.usefixtures("ingested")


@on_each_backend
@pytest.mark.parametrize(
    "q",
    [
        '"',
        "AND",
        "(",
        ")",
        "OR",
        "NOT",
        "-labour",
        "*",
        "~",
        "((((",
        'labour "',
        "x:y",
        "tags:x",
        "django_ct:archive.paragraph",
        "[a TO b]",
        "^",
        "🗳️",
        "a" * 500,
        "labour AND",
        "<script>alert(1)</script>",
        "\\",
        "labour~9",
        "*abc*",
        "?",
    ],
)
def test_hostile_queries_never_fail(client, q):
    response = client.get("/api/search", {"q": q})
    assert response.status_code == 200, response.content
    page = client.get("/search/", {"q": q})
    assert page.status_code == 200
    assert "<script>alert" not in page.content.decode()


def test_a_nul_byte_is_refused_with_a_message(client):
    response = client.get("/api/search", {"q": "labour\x00"})
    assert response.status_code == 400
    assert response.json() == {"q": ["Null characters are not allowed."]}
    page = client.get("/search/", {"q": "labour\x00"})
    assert page.status_code == 200
    assert "Null characters are not allowed." in page.content.decode()


def test_syntax_errors_get_a_clear_message(client):
    assert api(client, q='"')["messages"] == [
        "The unmatched quotation mark was ignored.",
        'There is nothing to search for in “"”. Search for words; join them with OR, put '
        "exact phrases in quotation marks, and use NOT or -word only to leave words out.",
    ]
    data = api(client, q='"prawn cocktail')
    assert data["count"] > 0
    assert data["messages"] == ["The unmatched quotation mark was ignored."]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"sort": "random"}, "sort"),
        ({"year": "twenty"}, "year"),
        ({"section": "1; DROP"}, "section"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_bad_parameters_are_400_with_a_message(client, params, field):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    assert field in response.json()


@on_each_backend
def test_markup_in_text_stays_escaped(client, write_file):
    path = write_file(
        "x.txt", article_text("Markup", ['He wrote <script>alert("x")</script> & <b>bold</b>.'])
    )
    call_command("ingest", str(path), stdout=io.StringIO())
    data = api(client, q="script")
    (hit,) = data["results"]
    assert "<script>" not in hit["snippet"] and "<b>" not in hit["snippet"]
    assert "&lt;<mark>script</mark>&gt;alert" in hit["snippet"]
    html = client.get("/search/", {"q": "script"}).content.decode()
    assert "<script>alert" not in html and "&lt;<mark>script</mark>&gt;alert" in html
    reader = client.get(
        Paragraph.objects.get(pk=hit["paragraph_id"]).get_absolute_url() + "?q=script"
    )
    assert "<script>alert" not in reader.content.decode()


def test_search_page(client):
    html = client.get("/search/", {"q": '"prawn cocktail"'}).content.decode()
    assert "2 passages for “&quot;prawn cocktail&quot;”" in html
    assert "<mark>prawn</mark> <mark>cocktail</mark>" in html
    assert f'href="?q=%22prawn+cocktail%22&amp;article={NEW_LABOUR}"' in html
    assert "document order" in html


def test_search_page_start_and_suggestion(client):
    start = client.get("/search/").content.decode()
    assert "How to search" in start and "The rise and fall of New Labour" in start
    html = client.get("/search/", {"q": "Momentm"}).content.decode()
    assert 'Did you mean <a href="?q=momentum">momentum</a>?' in html


def test_search_page_forgives_bad_parameters(client):
    response = client.get("/search/", {"q": "labour", "page": "zero", "sort": "random"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "46 passages" in html
    assert "page: A valid integer is required." in html
    assert client.get("/search/", {"q": "labour", "page": 99}).status_code == 200


def test_search_box_on_every_page(client):
    for url in ("/articles/", f"/articles/{MOMENTUM}/"):
        assert 'role="search"' in client.get(url).content.decode()


def test_reader_marks_the_matched_words(client):
    paragraph = Paragraph.objects.get(text__contains="fundamental error to allow the prawn")
    html = client.get(f"/articles/{NEW_LABOUR}/", {"q": '"prawn cocktail"'}).content.decode()
    block = re.search(rf'<p id="p-{paragraph.pk}".*?</p>', html, re.S).group(0)
    assert "<mark>prawn</mark> <mark>cocktail</mark> offensive" in block
    assert "2 paragraphs here match" in html
    plain = client.get(f"/articles/{NEW_LABOUR}/").content.decode()
    assert "<mark>" not in plain


def test_openapi_describes_search(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names >= {"q", "page", "sort", "article", "section", "author", "year", "tag"}
    assert "SearchResponse" in schema["components"]["schemas"]
