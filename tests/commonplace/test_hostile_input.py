"""Markup in every place a user or a file can put text: nothing renders it unescaped."""

import io
import re

import pytest
from django.core.management import call_command

from annotations.models import Annotation
from archive.models import Article
from search import indexing
from tests.conftest import annotate

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE_ARTICLE = f"""{PAYLOAD} Title

{PAYLOAD} standfirst

1. {PAYLOAD[:30]}

A paragraph {PAYLOAD} with words to find.

Eve Evans is a writer {PAYLOAD}.

This article first appeared in the 1 May 2020 issue of the New Statesman, {PAYLOAD}
"""


@pytest.fixture
def hostile(db, users, write_file):
    call_command("ingest", str(write_file("hostile.txt", HOSTILE_ARTICLE)), stdout=io.StringIO())
    annotation = annotate(
        users.owner, "A paragraph", note=PAYLOAD, tags=[PAYLOAD[:90]], visibility="shared"
    )
    indexing.flush()
    return Article.objects.get(), annotation


def assert_escaped(text: str, where: str) -> None:
    assert "<script>alert" not in text, where
    assert "<img src=x" not in text, where
    assert "onerror=alert" not in text or "&lt;img" in text, where


def test_no_page_renders_markup(hostile, client_for, users):
    article, annotation = hostile
    client = client_for(users.other)
    tag = annotation.tags.get()
    pages = [
        "/",
        "/articles/",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?q=paragraph",
        "/search/?q=paragraph",
        f"/search/?q={PAYLOAD}",
        "/search/?q=script",
        "/annotations/",
        "/tags/",
        tag.get_absolute_url(),
        f"/annotations/?q={PAYLOAD}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_escaped(html, url)
        # The only scripts are the app's own: the reader's code and its JSON context, and
        # the search page's filters.
        scripts = re.findall(r"<script\b[^>]*>", html)
        own = (
            'type="application/json"',
            'src="/static/js/reader/main.js"',
            'src="/static/js/search-filters.js"',
        )
        assert all(any(mark in s for mark in own) for s in scripts), url


def test_no_endpoint_returns_markup_where_html_is_expected(hostile, client_for, users):
    client = client_for(users.other)
    search = client.get("/api/search", {"q": "paragraph"}).json()
    assert_escaped(search["results"][0]["snippet"], "snippet")
    notes = client.get("/api/search", {"q": "alert"}).json()["notes"]["results"]
    assert_escaped(notes[0]["snippet"], "note snippet")
    annotation = client.get("/api/annotations").json()["results"][0]
    assert_escaped(annotation["note_html"], "note_html")
    # JSON fields that hold plain text keep it as it was: it is data, not HTML.
    assert annotation["note"] == PAYLOAD


def test_exports_escape_what_they_render(hostile, client_for, users):
    client = client_for(users.other)
    markdown = b"".join(client.get("/annotations/export/", {"format": "md"}).streaming_content)
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown.decode())
    assert_escaped(rendered, "markdown export rendered with HTML on")


def test_usernames_cannot_hold_markup(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "<script>x</script>",
            "password1": "a-long-pass-123",
            "password2": "a-long-pass-123",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid username" in response.content.decode()
    assert not Annotation.objects.exists()
