"""Error pages outside the API are the site's own, and the 500 page needs nothing to render."""

import shutil

import pytest
from django.template.loader import render_to_string
from django.test import Client


def assert_site_page(response, status: int, text: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'class="site-header"' in html, "the page is in the site's layout"
    assert text in html
    return html


def test_500_renders_without_a_database_or_a_request():
    # No django_db mark: any query here fails the test.
    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'class="site-header"' in html


def test_a_crash_shows_the_sites_500_page(ingested, monkeypatch):
    client = Client(raise_request_exception=False)
    assert client.get("/search/", {"q": "labour"}).status_code == 200

    def crash(*args, **kwargs):
        raise RuntimeError("/secret/path/to/something broke")

    monkeypatch.setattr("search.views.search", crash)  # a fault injected, as a bug would be
    response = client.get("/search/", {"q": "labour"})
    html = assert_site_page(response, 500, "Something went wrong")
    assert "Traceback" not in html and "/secret/path" not in html


def test_a_missing_index_shows_the_search_page_saying_so(ingested, search_index):
    client = Client(raise_request_exception=False)
    shutil.rmtree(search_index)
    response = client.get("/search/", {"q": "labour"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "Search is unavailable" in html and str(search_index) not in html


def test_an_unknown_page_is_the_sites_404(client, db):
    assert_site_page(client.get("/no/such/page/"), 404, "Not found")


def test_a_forbidden_page_is_the_sites_403(users, client_for):
    response = client_for(users.staff).get("/admin/auth/user/")
    assert_site_page(response, 403, "Not allowed")


def test_an_expired_form_says_so(users):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "owner", "password": "x"})
    assert_site_page(response, 403, "That form has expired")


@pytest.mark.parametrize("host", ["evil.example", "bad host"])
def test_a_bad_host_is_the_sites_400(client, db, host):
    assert_site_page(client.get("/", HTTP_HOST=host), 400, "could not be read")


def test_an_oversize_form_is_a_413_page(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post("/accounts/login/", {"username": "x" * 20_000, "password": "x"})
    assert_site_page(response, 413, "too large")
