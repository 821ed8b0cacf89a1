"""Editing and deleting from /annotations/ and /tags/<slug>/, without JavaScript."""

import re

import pytest

from annotations.models import Annotation
from tests.conftest import annotate, page_body

pytestmark = pytest.mark.usefixtures("ingested")


def edit_url(annotation, next_url=None) -> str:
    return f"/annotations/{annotation.pk}/edit/" + (f"?next={next_url}" if next_url else "")


def test_the_lists_offer_edit_and_delete_only_where_the_viewer_may_change(client_for, users):
    mine = annotate(users.owner, "prawn cocktail", tags=["City"], visibility="shared")
    theirs = annotate(users.other, "Trots?", tags=["City"], visibility="shared")
    for url in ("/annotations/", "/tags/city/"):
        page = client_for(users.owner).get(url).content.decode()
        assert f'href="/annotations/{mine.pk}/edit/?next={url}"' in page
        assert f'href="/annotations/{mine.pk}/delete/?next=' in page
        assert f"/annotations/{theirs.pk}/edit/" not in page
        # Staff may change what they see, as the API lets them.
        staff_page = client_for(users.staff).get(url).content.decode()
        assert f"/annotations/{theirs.pk}/edit/" in staff_page
        assert "/edit/" not in client_for(None).get(url).content.decode()


def test_edit_saves_through_the_api_path_and_returns(client_for, users):
    annotation = annotate(users.owner, "prawn cocktail", note="Old", tags=["City"])
    client = client_for(users.owner)
    form = client.get(edit_url(annotation, "/tags/city/%3Fpage%3D1")).content.decode()
    assert ">\nOld</textarea>" in form
    assert 'name="tags" value="City"' in form
    assert 'name="next" value="/tags/city/?page=1"' in form
    response = client.post(
        edit_url(annotation),
        {
            "note": "New *thought*",
            "tags": "finance, City, ",
            "visibility": "shared",
            "version": annotation.version,
            "next": "/annotations/?q=thought",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/annotations/?q=thought"
    annotation.refresh_from_db()
    assert annotation.note == "New *thought*"
    assert annotation.note_html.strip() == "<p>New <em>thought</em></p>"
    assert sorted(t.name for t in annotation.tags.all()) == ["City", "finance"]
    assert annotation.visibility == "shared" and annotation.version == 2
    # What the API reads is what the page wrote: same version, same ETag.
    assert client.get(f"/api/annotations/{annotation.pk}")["ETag"] == '"2"'
    assert "The annotation is saved." in client.get("/annotations/").content.decode()


def test_a_stale_version_keeps_what_was_written_and_says_so(client_for, users):
    annotation = annotate(users.owner, "prawn cocktail", note="First")
    client = client_for(users.owner)
    opened_at = annotation.version
    client.patch(
        f"/api/annotations/{annotation.pk}",
        '{"note": "Changed elsewhere"}',
        content_type="application/json",
    )
    written = {"note": "Mine, typed meanwhile", "tags": "x", "visibility": "private"}
    response = client.post(edit_url(annotation), {**written, "version": opened_at})
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed elsewhere since you opened it" in page
    assert ">\nMine, typed meanwhile</textarea>" in page
    assert "Changed elsewhere" in page  # what is saved now, shown above
    annotation.refresh_from_db()
    assert annotation.note == "Changed elsewhere"
    # The form now stands on the current version: saving again is a deliberate overwrite.
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert int(version) == annotation.version
    again = client.post(edit_url(annotation), {**written, "version": version})
    assert again.status_code == 302
    annotation.refresh_from_db()
    assert annotation.note == "Mine, typed meanwhile"


def test_bad_input_is_a_400_with_the_message(client_for, users):
    annotation = annotate(users.owner, "prawn cocktail")
    client = client_for(users.owner)
    base = {"note": "", "tags": "", "visibility": "private", "version": annotation.version}
    for change, message in [
        ({"visibility": "public"}, "Select a valid choice."),
        ({"version": "x"}, "open it again"),
        ({"tags": ", ".join(f"t{i}" for i in range(60))}, "Ensure this field has no more"),
        ({"tags": "a" * 101}, "Ensure this field has no more than 100 characters."),
        ({"note": "x" * 20_001}, "Ensure this value has at most 20000 characters"),
    ]:
        response = client.post(edit_url(annotation), {**base, **change})
        assert response.status_code == 400, change
        assert message in response.content.decode(), change
    annotation.refresh_from_db()
    assert annotation.version == 1


def test_who_may_not_change_gets_what_the_api_gives(client_for, users):
    private = annotate(users.other, "prawn cocktail", note="Secret")
    shared = annotate(users.other, "Trots?", note="Open", visibility="shared")
    owner = client_for(users.owner)
    for url in (f"/annotations/{private.pk}/edit/", f"/annotations/{private.pk}/delete/"):
        assert owner.get(url).status_code == 404
        assert owner.post(url, {"version": 1}).status_code == 404
        assert owner.get(url).status_code == owner.get(f"/api/annotations/{private.pk}").status_code
    for url in (f"/annotations/{shared.pk}/edit/", f"/annotations/{shared.pk}/delete/"):
        assert owner.get(url).status_code == 403
        assert owner.post(url, {"version": 1, "visibility": "private"}).status_code == 403
    api = owner.delete(f"/api/annotations/{shared.pk}")
    assert api.status_code == 403
    assert Annotation.objects.filter(note__in=["Secret", "Open"]).count() == 2
    assert client_for(None).get(f"/annotations/{shared.pk}/edit/").status_code == 302  # log in
    assert client_for(users.staff).get(f"/annotations/{shared.pk}/edit/").status_code == 200
    assert client_for(users.staff).get(f"/annotations/{private.pk}/edit/").status_code == 404


def test_delete_asks_then_deletes_and_returns(client_for, users):
    annotation = annotate(users.owner, "prawn cocktail", note="Doomed", tags=["City"])
    kept = annotate(users.owner, "Trots?", tags=["City"])
    client = client_for(users.owner)
    page = client.get(f"/annotations/{annotation.pk}/delete/?next=/tags/city/").content.decode()
    assert "Delete this annotation?" in page and "Doomed" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert Annotation.objects.filter(pk=annotation.pk).exists()  # a GET changes nothing
    response = client.post(
        f"/annotations/{annotation.pk}/delete/", {"version": 1, "next": "/tags/city/"}
    )
    assert response["Location"] == "/tags/city/"
    assert not Annotation.objects.filter(pk=annotation.pk).exists()
    # The last one carrying the tag: its page is gone, so back to the tag list.
    response = client.post(f"/annotations/{kept.pk}/delete/", {"version": 1, "next": "/tags/city/"})
    assert response["Location"] == "/tags/"


def test_delete_of_a_changed_annotation_asks_again(client_for, users):
    annotation = annotate(users.owner, "prawn cocktail", note="First")
    client = client_for(users.owner)
    client.patch(
        f"/api/annotations/{annotation.pk}", '{"note": "Second"}', content_type="application/json"
    )
    response = client.post(f"/annotations/{annotation.pk}/delete/", {"version": 1})
    assert response.status_code == 409
    assert "Second" in response.content.decode()
    assert Annotation.objects.filter(pk=annotation.pk).exists()
    assert client.post(f"/annotations/{annotation.pk}/delete/", {"version": 2}).status_code == 302
    assert not Annotation.objects.filter(pk=annotation.pk).exists()


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/x",
        "javascript:alert(1)",
        "",
        "/a\r\nSet-Cookie: x=1",
    ],
)
def test_next_never_leaves_the_site(client_for, users, next_url):
    annotation = annotate(users.owner, "prawn cocktail")
    client = client_for(users.owner)
    form = page_body(client.get(edit_url(annotation), {"next": next_url}))
    assert 'name="next" value="/annotations/"' in form
    response = client.post(
        edit_url(annotation),
        {"note": "", "tags": "", "visibility": "private", "version": 1, "next": next_url},
    )
    assert response["Location"] == "/annotations/"


def test_a_number_beyond_any_row_is_a_404(client_for, users):
    client = client_for(users.owner)
    assert client.get("/annotations/99999999999999999999999/edit/").status_code == 404
    assert client.post("/annotations/99999999999999999999999/delete/").status_code == 404


def test_edit_and_delete_are_csrf_protected(client_for, users):
    annotation = annotate(users.owner, "prawn cocktail", note="Kept")
    client = client_for(users.owner, enforce_csrf_checks=True)
    form = {"note": "x", "tags": "", "visibility": "private", "version": 1}
    assert client.post(edit_url(annotation), form).status_code == 403
    assert client.post(f"/annotations/{annotation.pk}/delete/", {"version": 1}).status_code == 403
    annotation.refresh_from_db()
    assert annotation.note == "Kept"
