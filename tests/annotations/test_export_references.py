"""An export's references: each article the exported excerpts come from, once, as
CSL-JSON (valid by the CSL data schema), BibTeX or RIS; never an article known only
from an annotation the reader may not see."""

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy

from tests.annotations.test_export_citing import download
from tests.conftest import NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")
CSL_SCHEMA = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "csl" / "csl-data.json").read_text()
)


@pytest.fixture
def excerpts(users):
    return [
        annotate(users.owner, "prawn cocktail offensive", tags=["city"]),
        annotate(users.owner, "New Labour as such is dead", tags=["city"]),
        # Another reader's private note on the other article: not the owner's to cite.
        annotate(users.other, "Momentum HQ is in the TSSA", tags=["city"]),
    ]


def test_csl_json_holds_each_article_once_and_validates(client_for, users, excerpts):
    data = json.loads(download(client_for(users.owner), format="csl-json"))
    jsonschema.validate(data, CSL_SCHEMA)
    assert [item["id"] for item in data] == ["giddens2010rise"]
    assert data[0]["URL"] == f"http://testserver/articles/{NEW_LABOUR}/"


def test_everyone_visible_is_cited(client_for, users, excerpts):
    annotate(users.owner, "Momentum HQ is in the TSSA", visibility="shared")
    data = json.loads(download(client_for(users.owner), format="csl-json"))
    assert [item["id"] for item in data] == ["giddens2010rise", "newstatesman2017losing"]


def test_bibtex_and_ris_read_back(client_for, users, excerpts):
    client = client_for(users.owner)
    library = bibtexparser.parse_string(download(client, format="bibtex").decode())
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == ["giddens2010rise"]
    assert library.entries[0]["title"] == "The rise and fall of New Labour"
    (ris,) = rispy.loads(download(client, format="ris").decode())
    assert (ris["id"], ris["authors"]) == ("giddens2010rise", ["Giddens, Anthony"])


def test_downloads_are_named_by_what_they_hold(client_for, users, excerpts):
    client = client_for(users.owner)
    for format_name, ending in [("csl-json", ".csl.json"), ("bibtex", ".bib"), ("ris", ".ris")]:
        response = client.get("/annotations/export/", {"format": format_name, "tag": "city"})
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'{ending}"')


def test_a_signed_out_visitor_gets_an_empty_list(client, excerpts):
    assert json.loads(download(client, format="csl-json")) == []
