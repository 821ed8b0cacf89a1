"""/healthz answers 200 when the database and the search index answer, 503 otherwise."""

import pytest
from haystack import connections

from commonplace import health


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "search": "ok",
        "index_lag": "ok",
        "pending_index_updates": 0,
        "index_lag_seconds": 0.0,
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_search_index_down(client, monkeypatch):
    backend = connections["default"].get_backend()

    def broken():
        raise OSError("index unreadable")

    monkeypatch.setattr(backend, "ping", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["search"] == "unavailable"
    assert "index unreadable" not in response.content.decode()  # no internals leak out


@pytest.mark.django_db
def test_database_down(client, monkeypatch):
    def broken():
        raise ConnectionError("database gone")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "search": "ok"}


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_search_unavailable_when_a_search_fails(client, ingested, search_index):
    """The index's table of contents still reads, and a searcher is open, but the
    segments' contents are gone: every search fails, so /healthz must say so."""
    assert client.get("/api/search", {"q": "labour"}).status_code == 200
    for path in search_index.glob("*.seg"):
        size = path.stat().st_size
        with open(path, "r+b") as stream:  # in place: the open searcher reads these bytes
            stream.write(bytes(size))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["search"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_a_busy_search_is_not_a_failed_one(client, ingested, settings):
    """Every search is cut short at once: /healthz's own search still runs to the end,
    or a server busy with heavy searches would be taken out of service."""
    settings.COMMONPLACE_SEARCH_BUDGET_MS = 0
    assert "took longer" in " ".join(client.get("/api/search", {"q": "labour"}).json()["messages"])
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["search"] == "ok"


@pytest.mark.django_db
def test_an_index_far_behind_is_unhealthy(client, settings):
    """Rows left pending past the limit (no index worker running, say) turn /healthz to
    503, with how far behind it is."""
    from datetime import timedelta

    from django.utils import timezone

    from search import outbox
    from search.models import PendingIndexUpdate

    settings.COMMONPLACE_INDEX_LAG_LIMIT_SECONDS = 60
    outbox.articles_changed([1, 2])
    PendingIndexUpdate.objects.update(created=timezone.now() - timedelta(seconds=30))
    within = client.get("/healthz")
    assert within.status_code == 200
    assert within.json()["pending_index_updates"] == 2
    assert 29 <= within.json()["index_lag_seconds"] <= 40

    PendingIndexUpdate.objects.update(created=timezone.now() - timedelta(seconds=90))
    late = client.get("/healthz")
    assert late.status_code == 503
    assert late.json()["status"] == "unavailable"
    assert late.json()["index_lag"] == "lagging"
    assert late.json()["index_lag_seconds"] >= 90
