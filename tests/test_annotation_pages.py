"""Accounts, /annotations/, /tags/ and /tags/<slug>/."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from annotations.models import Annotation, Tag
from tests.conftest import MOMENTUM, NEW_LABOUR, annotate

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
    page = client.get("/accounts/token/").content.decode()
    token = Token.objects.get(user=users.owner)
    assert f"Authorization: Token {token.key}" in page
    client.post("/accounts/token/")
    assert Token.objects.get(user=users.owner).key != token.key
    assert client_for(None).get("/accounts/token/").status_code == 302


def test_demo_user_command():
    out = io.StringIO()
    call_command("demo_user", stdout=out)
    password = out.getvalue().rsplit(": ", 1)[1].strip()
    user = get_user_model().objects.get(username="demo")
    assert user.check_password(password)
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
    client = client_for(users.owner)
    response = client.post("/annotations/tags/rename/", {"tag": "city", "name": "x"}, follow=True)
    assert "None of your annotations is tagged “City”." in response.content.decode()
    response = client.post("/annotations/tags/rename/", {"tag": "city", "name": ""}, follow=True)
    assert "Give the tag a new name" in response.content.decode()
    assert client.post("/annotations/tags/rename/", {"tag": "nope", "name": "x"}).status_code == 404
    assert client_for(None).post("/annotations/tags/rename/", {"tag": "city"}).status_code == 302
    csrf = client_for(users.owner, enforce_csrf_checks=True)
    assert csrf.post("/annotations/tags/rename/", {"tag": "city", "name": "x"}).status_code == 403


def test_describe_a_tag(client_for, users):
    annotate(users.owner, "prawn cocktail", tags=["City"], visibility="shared")
    tag = Tag.objects.get(name="City")
    client_for(users.other).post(f"/tags/{tag.slug}/describe/", {"description": "Not theirs"})
    tag.refresh_from_db()
    assert tag.description == ""
    client_for(users.owner).post(f"/tags/{tag.slug}/describe/", {"description": "The <b>City</b>"})
    tag.refresh_from_db()
    assert tag.description == "The <b>City</b>"
    page = client_for(users.other).get("/tags/city/").content.decode()
    assert "The &lt;b&gt;City&lt;/b&gt;" in page


def test_markup_in_user_content_is_escaped_on_every_page(client_for, users):
    evil = '<script>alert("x")</script>'
    annotate(users.owner, "prawn cocktail", note=evil, tags=[evil], visibility="shared")
    client = client_for(users.other)
    for url in ("/annotations/", "/tags/", f"/articles/{NEW_LABOUR}/", "/search/?q=prawn"):
        html = client.get(url).content.decode()
        assert '<script>alert("x")' not in html, url
