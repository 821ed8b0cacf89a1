"""Upload jobs as they run outside the request: in a thread of the web process that
took the upload ("thread"), and put back to wait while another ingest holds the index."""

import threading
import time

import pytest
from django.urls import reverse

from archive.models import Article, Upload
from commonplace import upload_jobs
from search import indexing
from tests.uploads.conftest import PAGES, page_file

ADD = reverse("archive:add")


def wait_for_the_job_thread(timeout: float = 30) -> None:
    """Until the request's job thread has finished (touching no database meanwhile: an
    in-memory SQLite shared between threads locks whole tables)."""
    deadline = time.monotonic() + timeout
    while any(t.name == "upload-jobs" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the upload's job thread did not finish"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_in_thread_mode_the_request_starts_the_job_and_answers_at_once(
    client_for, people, settings
):
    settings.COMMONPLACE_UPLOAD_JOBS = "thread"
    client = client_for(people.uploader)
    response = client.post(ADD, {"files": [page_file(PAGES.ledger)]})
    assert response.status_code == 302
    wait_for_the_job_thread()
    the_upload = Upload.objects.get()
    assert the_upload.state == Upload.State.PREVIEWED
    client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
    wait_for_the_job_thread()
    the_upload.refresh_from_db()
    assert the_upload.state == Upload.State.STORED
    assert Article.objects.get().title == "Councils brace for a winter of cuts"


@pytest.mark.django_db
def test_in_worker_mode_the_request_leaves_the_job_to_the_worker(client_for, people, settings):
    settings.COMMONPLACE_UPLOAD_JOBS = "worker"
    client_for(people.uploader).post(ADD, {"files": [page_file(PAGES.ledger)]})
    assert not any(t.name == "upload-jobs" for t in threading.enumerate())
    assert Upload.objects.get().state == Upload.State.WAITING


def test_a_store_waits_while_another_ingest_holds_the_index(
    client_for, people, index_held_elsewhere, monkeypatch
):
    monkeypatch.setattr(indexing.backend(), "lock_timeout", 0.2)
    client = client_for(people.uploader)
    client.post(ADD, {"files": [page_file(PAGES.ledger)]})
    upload_jobs.run_pending()  # reading needs no index
    the_upload = Upload.objects.get()
    client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
    assert upload_jobs.run_pending() == (0, True)
    the_upload.refresh_from_db()
    assert the_upload.state == Upload.State.CONFIRMED and Article.objects.count() == 0
    index_held_elsewhere.set()
    time.sleep(0.1)
    assert upload_jobs.run_pending() == (1, False)
    the_upload.refresh_from_db()
    assert the_upload.state == Upload.State.STORED


def test_a_job_that_breaks_is_failed_with_a_message_not_left_running(
    client_for, people, monkeypatch
):
    from archive import uploads

    def broken(upload):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(uploads, "read", broken)
    client = client_for(people.uploader)
    client.post(ADD, {"files": [page_file(PAGES.ledger)]})
    assert upload_jobs.run_pending() == (1, False)
    the_upload = Upload.objects.get()
    assert the_upload.state == Upload.State.FAILED
    page = client.get(the_upload.get_absolute_url()).content.decode()
    assert "Something went wrong on the server" in page and "disk on fire" not in page


def test_an_upload_left_unconfirmed_is_dropped_after_the_days_kept(client_for, people, settings):
    from datetime import timedelta

    from django.utils import timezone

    client = client_for(people.uploader)
    for _ in range(2):
        client.post(ADD, {"files": [page_file(PAGES.ledger)]})
    upload_jobs.run_pending()
    old, recent = Upload.objects.order_by("created")
    days_ago = timezone.now() - timedelta(days=settings.COMMONPLACE_UPLOAD_KEEP_DAYS, hours=1)
    Upload.objects.filter(pk=old.pk).update(created=days_ago)
    upload_jobs.run_pending()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == Upload.State.DISCARDED and not old.folder.exists()
    assert recent.state == Upload.State.PREVIEWED and recent.folder.exists()
