"""Tags read in alphabetical order whatever their case, and are counted in good English."""

import re

import pytest

from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")
NAMES = ["apple", "Banana", "cherry", "Zebra"]


@pytest.fixture
def tagged(users):
    annotate(users.owner, "prawn cocktail", tags=["Zebra", "cherry", "Banana", "apple"])
    annotate(users.owner, "Trots?", tags=["Banana"])


def in_page_order(page: str, names: list[str]) -> list[str]:
    return sorted(names, key=page.index)


def test_tags_sort_without_regard_to_case_everywhere(tagged, client_for, users):
    client = client_for(users.owner)
    tags_page = client.get("/tags/").content.decode()
    cloud = re.search(r'<p class="tag-cloud".*?</p>', tags_page, re.DOTALL).group()
    assert re.findall(r">(\w+)</a>", cloud) == NAMES
    table = re.search(r'<table class="tag-table".*?</table>', tags_page, re.DOTALL).group()
    assert re.findall(r'href="/tags/\w+/">(\w+)</a>', table) == NAMES
    list_page = client.get("/annotations/").content.decode()
    select = re.search(r'<select name="tag">.*?</select>', list_page, re.DOTALL).group()
    assert re.findall(r">(\w+) \(", select) == NAMES
    item = list_page[list_page.index("prawn cocktail") :]
    chips = re.findall(r'<a class="tag" href="/tags/\w+/">#(\w+)</a>', item)
    assert chips[:4] == NAMES
    assert [tag["name"] for tag in client.get("/api/tags").json()["results"]] == NAMES
    annotation_api = client.get("/api/annotations").json()["results"]
    assert max(len(a["tags"]) for a in annotation_api) == 4
    assert [a["tags"] for a in annotation_api if len(a["tags"]) == 4] == [NAMES]


def test_counts_are_singular_or_plural(tagged, client_for, users):
    page = client_for(users.owner).get("/tags/").content.decode()
    assert 'title="2 annotations">Banana</a>' in page
    assert 'title="1 annotation">apple</a>' in page
    assert "(s)" not in page
    one = client_for(users.owner).get("/tags/apple/").content.decode()
    assert "1 passage<" in one and "(s)" not in one
