"""The annotation list's filters hold text a database can store: a NUL is a 400 that
says so, on the page and in the API, never a 500 (PostgreSQL refuses it in a query)."""

import pytest

from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")


@pytest.mark.parametrize("name", ["tag", "article", "user", "q", "orphaned"])
def test_a_nul_in_a_filter_is_a_clear_400(users, client_for, name):
    annotate(users.owner, "prawn cocktail", tags=["City"], visibility="shared")
    client = client_for(users.owner)
    api = client.get("/api/annotations", {name: "a\x00b"})
    assert api.status_code == 400
    assert api.json() == {name: ["Null characters are not allowed."]}
    page = client.get("/annotations/", {name: "a\x00b"})
    assert page.status_code == 400
    assert "Null characters are not allowed." in page.content.decode()
    # The same filters without the NUL still answer.
    assert client.get("/api/annotations", {"tag": "city"}).json()["count"] == 1
    assert client.get("/annotations/", {"tag": "city"}).status_code == 200
