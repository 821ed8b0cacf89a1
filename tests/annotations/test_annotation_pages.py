"""Accounts, /annotations/, /tags/ and /tags/<slug>/."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from annotations.models import Annotation, Tag
from annotations.permissions import Viewer
from tests.conftest import MOMENTUM, NEW_LABOUR, annotate, page_body

pytestmark = pytest.mark.usefixtures("ingested")


def test_sign_up_logs_in_and_returns(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "reader",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
            "next": f"/articles/{MOMENTUM}/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{MOMENTUM}/"
    assert get_user_model().objects.filter(username="reader").exists()
    assert "Log out" in client.get("/").content.decode()


def test_sign_up_refuses_a_bad_form_and_an_outside_redirect(client):
    response = client.post(
        "/accounts/signup/", {"username": "x", "password1": "a", "password2": "b"}
    )
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "reader",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_sign_up_can_be_closed(client, settings):
    settings.COMMONPLACE_SIGNUP_ENABLED = False
    assert client.get("/accounts/signup/").status_code == 404
    assert "Sign up" not in client.get("/").content.decode()


def test_log_in_and_out(client, users):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    response = client.post(
        "/accounts/login/", {"username": "owner", "password": "owner-pass-123", "next": "/tags/"}
    )
    assert response["Location"] == "/tags/"
    assert client.get("/").context["user"].username == "owner"
    assert client.post("/accounts/logout/").status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_token_page(client_for, users):
    client = client_for(users.owner)
    page = client.get("/accounts/").content.decode()
    token = Token.objects.get(user=users.owner)
    assert f"Authorization: Token {token.key}" in page
    client.post("/accounts/token/", {"confirm": "on"})
    assert Token.objects.get(user=users.owner).key != token.key
    assert client_for(None).get("/accounts/token/").status_code == 302


def test_demo_user_command():
    out = io.StringIO()
    call_command("demo_user", stdout=out)
    password = out.getvalue().rsplit(": ", 1)[1].strip()
    user = get_user_model().objects.get(username="demo")
    assert user.check_password(password)
    assert user.has_perm("archive.add_article") and not user.is_staff
    out = io.StringIO()
    call_command("demo_user", stdout=out)
    assert "already exists" in out.getvalue()


def test_annotation_list_filters(client_for, users):
    annotate(users.owner, "prawn cocktail", note="On *finance*", tags=["City"])
    annotate(users.other, "Trots?", note="A joke", tags=["humour"], visibility="shared")
    client = client_for(users.owner)
    page = client.get("/annotations/").content.decode()
    assert "On <em>finance</em>" in page and "A joke" in page
    assert "A joke" not in client.get("/annotations/", {"tag": "city"}).content.decode()
    assert (
        "On <em>finance</em>" not in client.get("/annotations/", {"user": "other"}).content.decode()
    )
    only = client.get("/annotations/", {"article": NEW_LABOUR}).content.decode()
    assert "On <em>finance</em>" in only and "A joke" not in only
    assert "A joke" in client.get("/annotations/", {"q": "joke"}).content.decode()


def test_annotation_list_for_anonymous_invites_a_login(client):
    page = client.get("/annotations/").content.decode()
    assert "Log in</a> to see yours" in page


def test_tags_page_lists_and_clouds(client_for, users):
    annotate(users.owner, "prawn cocktail", tags=["City", "finance"])
    annotate(users.owner, "fawning dependence", tags=["City"])
    page = client_for(users.owner).get("/tags/").content.decode()
    assert 'class="tag-cloud__tag weight-5" href="/tags/city/"' in page
    assert 'class="tag-cloud__tag weight-1" href="/tags/finance/"' in page
    assert "Rename or merge one of your tags" in page


def test_tag_page_lists_passages_in_document_order_with_context(client_for, users):
    later = annotate(users.owner, "Correction: This article", tags=["City"])
    earlier = annotate(users.owner, "prawn cocktail offensive to evolve", tags=["City"])
    page = client_for(users.owner).get("/tags/city/").content.decode()
    assert page.index(earlier.quote) < page.index(later.quote)
    assert f"…{earlier.prefix}</span><mark>{earlier.quote}</mark>" in page
    assert "2 passages" in page


def test_rename_and_merge_change_only_your_annotations(client_for, users):
    mine = annotate(users.owner, "prawn cocktail", tags=["City"])
    also_mine = annotate(users.owner, "fawning dependence", tags=["money"])
    theirs = annotate(users.other, "Trots?", tags=["City"], visibility="shared")
    client = client_for(users.owner)
    response = client.post("/annotations/tags/rename/", {"tag": "city", "name": "Finance"})
    assert response.status_code == 302
    assert [t.name for t in mine.tags.all()] == ["Finance"]
    assert [t.name for t in theirs.tags.all()] == ["City"]
    client.post("/annotations/tags/rename/", {"tag": "money", "name": "finance"})  # merge
    assert [t.name for t in also_mine.tags.all()] == ["Finance"]
    assert Tag.objects.filter(name__iexact="finance").count() == 1
    assert Annotation.objects.filter(tags__name="Finance").count() == 2


def test_rename_checks_its_input(client_for, users):
    annotate(users.other, "Trots?", tags=["City"], visibility="shared")
    annotate(users.other, "Sabotage", tags=["Hush"])
    client = client_for(users.owner)

    def answer(slug: str) -> str:
        response = client.post("/annotations/tags/rename/", {"tag": slug, "name": "x"}, follow=True)
        assert response.status_code == 200
        return page_body(response)

    # Another's tag, another's private tag and no tag at all: the same answer, naming none.
    bodies = {answer(slug) for slug in ("city", "hush", "nope")}
    assert len(bodies) == 1
    assert "None of your annotations carries that tag." in bodies.pop()
    response = client.post("/annotations/tags/rename/", {"tag": "city", "name": ""}, follow=True)
    assert "Give the tag a new name" in response.content.decode()
    assert client_for(None).post("/annotations/tags/rename/", {"tag": "city"}).status_code == 302
    csrf = client_for(users.owner, enforce_csrf_checks=True)
    assert csrf.post("/annotations/tags/rename/", {"tag": "city", "name": "x"}).status_code == 403


def descriptions() -> set[tuple[str, str]]:
    """(audience, text) of every tag description written."""
    return set(Tag.objects.exclude(description="").values_list("audience", "description"))


def describe(client, slug: str, audience: str, text: str):
    return client.post(f"/tags/{slug}/describe/", {"audience": audience, "description": text})


def test_describe_a_tag_for_everyone_or_for_yourself(client_for, users):
    annotate(users.owner, "prawn cocktail", tags=["City"], visibility="shared")
    annotate(users.other, "Trots?", tags=["City"])
    owner, other = client_for(users.owner), client_for(users.other)
    # Only someone who shares the tag (or staff) writes the shared description.
    describe(other, "city", "shared", "Not theirs")
    assert descriptions() == set()
    describe(owner, "city", "shared", "The <b>City</b>")
    describe(other, "city", f"user:{users.other.pk}", "My own gloss")
    describe(other, "city", f"user:{users.owner.pk}", "Forged into the owner's")
    assert descriptions() == {
        ("shared", "The <b>City</b>"),
        (f"user:{users.other.pk}", "My own gloss"),
    }
    other_page = other.get("/tags/city/").content.decode()
    assert "The &lt;b&gt;City&lt;/b&gt;" in other_page and "My own gloss" in other_page
    owner_page = owner.get("/tags/city/").content.decode()
    assert "The &lt;b&gt;City&lt;/b&gt;" in owner_page and "My own gloss" not in owner_page
    staff = client_for(users.staff)
    describe(staff, "city", "shared", "Staff may")
    assert ("shared", "Staff may") in descriptions()
    describe(staff, "city", "shared", "")  # emptied: gone
    assert not {text for audience, text in descriptions() if audience == "shared"}
    too_long = describe(owner, "city", f"user:{users.owner.pk}", "x" * 2001)
    assert too_long.status_code == 302
    assert f"user:{users.owner.pk}" not in {audience for audience, _ in descriptions()}


def test_a_tag_seen_by_no_one_else_is_a_tag_that_does_not_exist(client_for, users):
    annotate(users.owner, "prawn cocktail", tags=["Hush"])
    describe(client_for(users.owner), "hush", f"user:{users.owner.pk}", "Nobody else knows")
    other = client_for(users.other)
    hidden, missing = other.get("/tags/hush/"), other.get("/tags/no-such-tag/")
    assert hidden.status_code == missing.status_code == 404
    assert page_body(hidden) == page_body(missing)
    assert "Hush" not in page_body(hidden)
    # Nor can they describe it, for themselves or for everyone.
    for audience in ("shared", f"user:{users.other.pk}"):
        assert describe(other, "hush", audience, "Overwritten").status_code == 404
    assert descriptions() == {(f"user:{users.owner.pk}", "Nobody else knows")}
    # Once they use it themselves they see the tag, but not the owner's description.
    annotate(users.other, "Trots?", tags=["hush"])
    page = other.get("/tags/hush/").content.decode()
    assert "Nobody else knows" not in page


def test_markup_in_user_content_is_escaped_on_every_page(client_for, users):
    evil = '<script>alert("x")</script>'
    annotate(users.owner, "prawn cocktail", note=evil, tags=[evil], visibility="shared")
    client = client_for(users.other)
    for url in ("/annotations/", "/tags/", f"/articles/{NEW_LABOUR}/", "/search/?q=prawn"):
        html = client.get(url).content.decode()
        assert '<script>alert("x")' not in html, url


def test_tag_descriptions_show_their_markdown_rendered_and_safe(client_for, users):
    annotate(users.owner, "prawn cocktail", tags=["City"])
    owner = client_for(users.owner)
    markdown = "**Money** and <script>alert(1)</script> [the Square Mile](https://example.com)"
    markdown += " [x](javascript:alert(1))"
    audience = Viewer.of(users.owner).own_audience
    response = owner.post("/tags/city/describe/", {"audience": audience, "description": markdown})
    assert response.status_code in (302, 303), response.content
    page = owner.get("/tags/city/").content.decode()
    shown = re.search(r'<div class="lead tag-description">.*?</div>', page, re.S).group()
    assert "<strong>Money</strong>" in shown and "**" not in shown
    assert (
        '<a href="https://example.com" target="_blank" rel="nofollow noopener noreferrer">' in shown
    )
    assert "<script>alert" not in shown and 'href="javascript' not in shown
    listed = owner.get("/tags/").content.decode()
    assert "Money and &lt;script&gt;alert(1)&lt;/script&gt; the Square Mile" in listed
    assert "**" not in listed
