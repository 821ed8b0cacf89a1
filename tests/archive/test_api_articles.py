"""GET /api/articles and /api/articles/<slug>: the contract external checks rely on."""

import pytest

from archive.models import Article
from tests.conftest import MOMENTUM, NEW_LABOUR

LIST_FIELDS = {
    "slug",
    "title",
    "standfirst",
    "author",
    "publication",
    "issue_date",
    "issue_title",
    "url",
    "sections_count",
    "paragraphs_count",
}


def test_article_list(client, ingested):
    response = client.get("/api/articles")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["count"] == 2
    assert [a["slug"] for a in data["results"]] == [NEW_LABOUR, MOMENTUM]
    for article in data["results"]:
        assert set(article) >= LIST_FIELDS
    first, second = data["results"]
    assert first["issue_date"] == "2010-05-17"
    assert first["author"] == "Anthony Giddens"
    assert first["publication"] == "New Statesman"
    assert first["issue_title"] == "On a tightrope"
    assert first["url"] == f"http://testserver/articles/{NEW_LABOUR}/"
    assert (first["sections_count"], first["paragraphs_count"]) == (1, 25)
    assert (second["sections_count"], second["paragraphs_count"]) == (4, 53)


def test_article_list_with_no_date_gives_null(client, db):
    Article.objects.create(title="Undated", slug="undated", source="x.txt", content_hash="0")
    (article,) = client.get("/api/articles").json()["results"]
    assert article["issue_date"] is None
    assert (article["sections_count"], article["paragraphs_count"]) == (0, 0)


def test_article_detail(client, ingested):
    response = client.get(f"/api/articles/{MOMENTUM}")
    assert response.status_code == 200
    data = response.json()
    assert LIST_FIELDS | {"author_bio", "sections"} <= set(data)
    assert data["issue_date"] == "2017-03-23"
    assert [(s["number"], s["title"]) for s in data["sections"]] == [
        (1, "The Bus"),
        (2, "The Conference"),
        (3, "The HQ"),
        (4, "The Fallout"),
    ]
    paragraphs = [p for s in data["sections"] for p in s["paragraphs"]]
    assert [p["position"] for p in paragraphs] == list(range(1, 54))
    assert set(paragraphs[0]) == {"id", "position", "kind", "text"}
    assert paragraphs[-1]["kind"] == "correction"
    assert paragraphs[0]["text"].startswith("The bus to the Momentum conference")


def test_article_detail_unnumbered_section_and_bio(client, ingested):
    data = client.get(f"/api/articles/{NEW_LABOUR}").json()
    assert data["author_bio"].startswith("Anthony Giddens is a former director")
    assert [(s["number"], s["title"]) for s in data["sections"]] == [(None, None)]
    assert len(data["sections"][0]["paragraphs"]) == 25


def test_unknown_slug_is_404(client, ingested):
    response = client.get("/api/articles/no-such-article")
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.django_db
def test_openapi_schema_describes_the_articles(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/articles", "/api/articles/{slug}"} <= set(schema["paths"])
    article = schema["components"]["schemas"]["ArticleDetail"]["properties"]
    assert LIST_FIELDS | {"author_bio", "sections"} <= set(article)
