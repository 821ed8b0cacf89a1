"""Content-Security-Policy on every page, no inline script or style, and notes embed nothing."""

import importlib
import re

import pytest

from annotations.models import Annotation
from annotations.notes import render_note
from tests.conftest import NEW_LABOUR, annotate

PIXEL = "https://tracker.example/pixel.gif?reader=1"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


@pytest.fixture
def pages(ingested, users):
    annotation = annotate(
        users.owner, "prawn cocktail", note=f"![pixel]({PIXEL})", tags=["City"], visibility="shared"
    )
    return [
        "/",
        "/articles/",
        f"/articles/{NEW_LABOUR}/",
        f"/articles/{NEW_LABOUR}/?q=labour",
        "/search/?q=labour",
        "/annotations/",
        "/tags/",
        annotation.tags.get().get_absolute_url(),
        "/accounts/token/",
        "/accounts/login/",
        "/accounts/signup/",
        "/admin/",
        "/admin/annotations/annotation/",
        f"/admin/annotations/annotation/{annotation.pk}/change/",
        "/no/such/page/",
    ]


@pytest.fixture
def readers(users, client_for):
    """A visitor and a superuser (who sees the admin), signed in."""
    users.staff.is_superuser = True
    users.staff.save()
    return [client_for(None), client_for(users.staff)]


def test_every_page_sends_the_policy(pages, readers):
    for client, url in ((client, url) for client in readers for url in pages):
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        directives = policy(response)
        assert directives["default-src"] == ["'none'"], url
        for name in ("script-src", "style-src", "img-src", "font-src", "form-action"):
            assert directives[name] == ["'self'"], (url, name)
        assert directives["frame-ancestors"] == ["'none'"], url
        assert "unsafe-inline" not in response["Content-Security-Policy"], url


def test_no_page_holds_inline_script_or_style(pages, readers):
    for client, url in ((client, url) for client in readers for url in pages):
        html = client.get(url, follow=True).content.decode()
        assert not re.search(r"\sstyle\s*=", html), url
        assert not re.search(r"<style\b", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", html, re.I), url
        for script in re.findall(r"<script\b[^>]*>", html):
            # Either code from this site, or a data block that no browser runs.
            assert " src=" in script or 'type="application/json"' in script, (url, script)
        images = re.findall(r"<img\b[^>]*>", html)
        assert not any("tracker.example" in image for image in images), url


def test_an_image_in_a_note_is_a_link_to_it():
    assert render_note(f"![a pixel]({PIXEL})") == (
        f'<p><a href="{PIXEL}" target="_blank" rel="nofollow noopener noreferrer">a pixel</a></p>\n'
    )
    untitled = render_note("![](https://t.example/x.png)")
    assert ">https://t.example/x.png</a>" in untitled
    linked = render_note("[![logo](https://t.example/l.png)](https://site.example)")
    assert linked.count("<a ") == 1 and ">logo</a>" in linked
    for markdown in (
        f"![x]({PIXEL})",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        '<img src="https://t.example/p.gif">',
        f'text ![x]({PIXEL} "title") and **more**',
    ):
        assert "<img" not in render_note(markdown), markdown


def test_the_api_serves_no_image_in_a_note(ingested, users, client_for):
    annotate(users.owner, "prawn cocktail", note=f"See ![this]({PIXEL})", visibility="shared")
    note_html = client_for(users.other).get("/api/annotations").json()["results"][0]["note_html"]
    assert "<img" not in note_html and f'href="{PIXEL.replace("&", "&amp;")}"' in note_html


def test_notes_stored_with_an_image_are_rendered_again(ingested, users):
    from django.apps import apps

    annotation = annotate(users.owner, "prawn cocktail", note=f"![pixel]({PIXEL})")
    old_html = f'<p><img src="{PIXEL}" alt="pixel"></p>\n'
    untouched = annotate(users.owner, "New Labour", note="plain")
    Annotation.objects.filter(pk=annotation.pk).update(note_html=old_html)
    migration = importlib.import_module("annotations.migrations.0003_note_images_as_links")
    migration.render_notes_again(apps, None)
    annotation.refresh_from_db()
    assert "<img" not in annotation.note_html and f'href="{PIXEL}"' in annotation.note_html
    assert Annotation.objects.get(pk=untouched.pk).note_html == "<p>plain</p>\n"


def test_bare_urls_in_notes_are_links_that_open_in_a_new_tab():
    html = render_note("See https://example.org/x?a=1&b=2 or www.example.com, not javascript:x")
    assert html.count("<a ") == 2
    assert (
        'href="https://example.org/x?a=1&amp;b=2"' in html
        and 'href="http://www.example.com"' in html
    )
    assert html.count('target="_blank"') == 2 and "javascript:" not in html.split("not")[0]
    assert all('rel="nofollow noopener noreferrer"' in a for a in html.split("<a ")[1:])


def test_notes_stored_before_linkify_are_rendered_again(ingested, users):
    from django.apps import apps

    annotation = annotate(users.owner, "prawn cocktail", note="See https://example.org/x")
    untouched = annotate(users.owner, "New Labour", note="plain")
    Annotation.objects.filter(pk=annotation.pk).update(note_html="<p>See https://example.org/x</p>")
    migration = importlib.import_module("annotations.migrations.0008_notes_linkified")
    migration.render_notes_again(apps, None)
    annotation.refresh_from_db()
    assert 'href="https://example.org/x" target="_blank"' in annotation.note_html
    assert Annotation.objects.get(pk=untouched.pk).note_html == "<p>plain</p>\n"
