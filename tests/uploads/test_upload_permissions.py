"""Who may add articles (staff, and whoever the admin gives the permission), and that an
upload is its owner's alone until it is stored: the healthchecks pattern of owner,
member and outsider."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from archive.models import Upload
from commonplace import upload_jobs
from tests.conftest import page_body
from tests.uploads.conftest import PAGES, page_file

ADD = reverse("archive:add")


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_kept(client_for, people, incoming):
    client = client_for(None)
    response = client.get(ADD)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    response = client.post(ADD, {"files": [page_file(PAGES.ledger)]})
    assert response.status_code == 302
    assert not Upload.objects.exists() and not incoming.exists()


def test_a_user_without_the_permission_may_not_add(client_for, people, incoming):
    client = client_for(people.reader)
    response = client.get(ADD)
    assert response.status_code == 403
    assert "ask an administrator" in page_body(response)
    assert client.post(ADD, {"files": [page_file(PAGES.ledger)]}).status_code == 403
    assert not Upload.objects.exists() and not incoming.exists()
    assert "Add articles" not in page_body(client.get(reverse("archive:articles")))


@pytest.mark.parametrize("who", ["uploader", "curator"])
def test_staff_and_curators_may_add(client_for, people, who):
    client = client_for(getattr(people, who))
    page = page_body(client.get(ADD))
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".docx,.htm,.html,.txt,.zip"' in page
    assert "At most 500 files" in page and "50 MB a file, 500 MB in all" in page
    assert f'href="{ADD}"' in page_body(client.get(reverse("archive:articles")))


def steps(the_upload) -> dict[str, tuple[str, str]]:
    uid = the_upload.uid
    return {
        "page": ("get", reverse("archive:upload", args=[uid])),
        "status": ("get", reverse("archive:upload-status", args=[uid])),
        "correct": ("post", reverse("archive:upload-correct", args=[uid, 0, 0])),
        "confirm": ("post", reverse("archive:upload-confirm", args=[uid])),
        "discard": ("post", reverse("archive:upload-discard", args=[uid])),
    }


@pytest.fixture
def previewed(client_for, people):
    client_for(people.uploader).post(ADD, {"files": [page_file(PAGES.ledger)]})
    upload_jobs.run_pending()
    return Upload.objects.get()


@pytest.mark.parametrize("step", ["page", "status", "correct", "confirm", "discard"])
@pytest.mark.parametrize("who", ["rival", "curator", "reader"])
def test_another_users_upload_is_not_found(client_for, people, previewed, step, who):
    method, url = steps(previewed)[step]
    response = getattr(client_for(getattr(people, who)), method)(url, {"0-0-title": "Mine now"})
    assert response.status_code == 404
    previewed.refresh_from_db()
    assert previewed.state == Upload.State.PREVIEWED and previewed.corrections == {}
    assert "Councils brace" not in response.content.decode()


@pytest.mark.parametrize("step", ["page", "status", "correct", "confirm", "discard"])
def test_anonymous_visitors_see_no_upload(client_for, previewed, step):
    method, url = steps(previewed)[step]
    response = getattr(client_for(None), method)(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    previewed.refresh_from_db()
    assert previewed.state == Upload.State.PREVIEWED


def test_a_permission_taken_away_stops_the_store(client_for, people, previewed):
    curator_upload = previewed
    people.uploader.is_staff = False
    people.uploader.save()
    client = client_for(people.uploader)
    response = client.post(reverse("archive:upload-confirm", args=[curator_upload.uid]))
    assert response.status_code == 403
    curator_upload.refresh_from_db()
    assert curator_upload.state == Upload.State.PREVIEWED


def test_the_permission_alone_is_enough(client_for, people):
    people.reader.user_permissions.add(Permission.objects.get(codename="add_article"))
    assert client_for(people.reader).get(ADD).status_code == 200


@pytest.mark.parametrize("step", ["add", "correct", "confirm", "discard"])
def test_every_write_needs_the_csrf_token(client_for, people, previewed, incoming, step):
    client = client_for(people.uploader, enforce_csrf_checks=True)
    url = ADD if step == "add" else steps(previewed)[step][1]
    response = client.post(url, {"files": [page_file(PAGES.review)], "0-0-title": "Forged"})
    assert response.status_code == 403
    assert Upload.objects.count() == 1
    previewed.refresh_from_db()
    assert previewed.state == Upload.State.PREVIEWED and previewed.corrections == {}
