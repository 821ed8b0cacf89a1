"""A search index broken on disk fails searches cleanly (503, a message, nothing cached
that stays broken), and searching works again, in the same thread, once it is mended."""

import io

import pytest
from django.core.management import call_command

from tests.conftest import article_text

pytestmark = pytest.mark.usefixtures("ingested")


def count(client, q="labour") -> int:
    response = client.get("/api/search", {"q": q})
    assert response.status_code == 200, response.content
    return response.json()["count"]


def truncate_new_segments(index, before: set) -> None:
    """Cut each segment written since `before` in half, as a full disk or a crash would."""
    new = set(index.glob("*.seg")) - before
    assert new
    for path in new:
        with open(path, "r+b") as stream:
            stream.truncate(path.stat().st_size // 2)


def test_search_recovers_in_the_same_thread_once_the_index_is_rebuilt(
    client, search_index, write_file
):
    labour = count(client)  # this thread now holds an open searcher
    before = set(search_index.glob("*.seg"))
    text = article_text("Aardvarks", ["Aardvarks dig at night."])
    call_command("ingest", str(write_file("more.txt", text)), stdout=io.StringIO())
    truncate_new_segments(search_index, before)

    for _ in range(2):  # fails cleanly, and again: nothing half-open is kept meanwhile
        response = client.get("/api/search", {"q": "labour"})
        assert response.status_code == 503
        assert response.json() == {
            "detail": "Search is unavailable just now. Please try again in a few minutes."
        }
    page = client.get("/search/", {"q": "labour"})
    assert page.status_code == 503
    assert "Search is unavailable just now" in page.content.decode()

    call_command("rebuild_index", "--noinput", stdout=io.StringIO())
    assert count(client) == labour
    assert count(client, "aardvarks") == 1
