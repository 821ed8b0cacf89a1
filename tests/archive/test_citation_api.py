"""GET /api/articles/<slug>/citation?format=csl-json|bibtex|ris: the article as a file a
reference manager imports."""

import json

import bibtexparser
import pytest
import rispy

from tests.conftest import NEW_LABOUR

URL = f"/api/articles/{NEW_LABOUR}/citation"


@pytest.mark.parametrize(
    ("query", "content_type", "filename"),
    [
        ("", "application/vnd.citationstyles.csl+json", "giddens2010rise.json"),
        ("?format=csl-json", "application/vnd.citationstyles.csl+json", "giddens2010rise.json"),
        ("?format=bibtex", "application/x-bibtex", "giddens2010rise.bib"),
        ("?format=ris", "application/x-research-info-systems", "giddens2010rise.ris"),
    ],
)
def test_each_format(client, ingested, query, content_type, filename):
    response = client.get(URL + query)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_the_files_say_the_same(client, ingested):
    reader_url = f"http://testserver/articles/{NEW_LABOUR}/"
    (csl,) = json.loads(client.get(URL).content)
    (entry,) = bibtexparser.parse_string(
        client.get(URL + "?format=bibtex").content.decode()
    ).entries
    (ris,) = rispy.loads(client.get(URL + "?format=ris").content.decode())
    assert csl["URL"] == entry["url"] == ris["urls"][0] == reader_url
    assert csl["id"] == entry.key == ris["id"] == "giddens2010rise"
    assert csl["title"] == entry["title"] == ris["title"] == "The rise and fall of New Labour"


def test_a_format_it_does_not_write_is_a_400(client, ingested):
    response = client.get(URL + "?format=endnote")
    assert response.status_code == 400
    assert response.json() == {"format": "Choose one of: csl-json, bibtex, ris."}


def test_a_missing_article_is_a_404(client, ingested):
    assert client.get("/api/articles/no-such-article/citation").status_code == 404


def test_it_is_in_the_openapi_schema(client, ingested):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "format" in str(paths["/api/articles/{slug}/citation"])
