"""Adding articles in the browser, step by step over HTTP: sent, read into a preview,
corrected, confirmed, stored by the same ingest as the command line, reported."""

import pytest
from django.urls import reverse

from archive.models import Article, Upload
from commonplace import upload_jobs
from search.models import PendingIndexUpdate
from tests.conftest import CORPUS, annotate, page_body
from tests.uploads.conftest import PAGES, page_file, sent, zipped

LEDGER_TITLE = "Councils brace for a winter of cuts"
REVIEW_TITLE = "The quiet return of the industrial strategy"
ADD = reverse("archive:add")


def upload(client, *files, **headers):
    return client.post(ADD, {"files": list(files)}, **headers)


def as_posted(the_upload, file: int, order: int, **changes) -> dict:
    """The correction form as the browser posts it: every field as shown, some changed."""
    from archive.corrections import CORRECTABLE

    shown = the_upload.preview[file]["articles"][order]
    values = {name: shown[name] for name in CORRECTABLE} | changes
    return {f"{file}-{order}-{name}": value for name, value in values.items()}


def read_now(client, response) -> Upload:
    """The upload the response redirected to, once its jobs have run."""
    assert response.status_code == 302, page_body(response)
    assert upload_jobs.run_pending() == (1, False)
    the_upload = Upload.objects.get()
    assert response.url == the_upload.get_absolute_url()
    return the_upload


def test_pages_are_read_into_a_preview_and_nothing_is_stored(client_for, people):
    client = client_for(people.uploader)
    response = upload(client, page_file(PAGES.ledger), page_file(PAGES.review))
    the_upload = Upload.objects.get()
    assert the_upload.state == Upload.State.WAITING
    assert the_upload.files_total == 2
    read_now(client, response)
    the_upload.refresh_from_db()
    assert the_upload.state == Upload.State.PREVIEWED
    assert Article.objects.count() == 0
    assert not PendingIndexUpdate.objects.exists()

    page = page_body(client.get(the_upload.get_absolute_url()))
    for shown in [
        LEDGER_TITLE,
        "Jane Roe",
        "2024-03-14",
        "The Northern Ledger",
        "https://www.northernledger.co.uk/politics/2024/mar/14/councils-brace-for-a-winter-of-cuts",
        "6 in 2 sections: 1. A widening gap; 2. What ministers say",
        "<li>comments (4)</li>",
        REVIEW_TITLE,
        "Store 2 articles",
    ]:
        assert shown in page, shown


def test_a_corrected_title_is_stored_and_reported(client_for, people):
    client = client_for(people.uploader)
    the_upload = read_now(client, upload(client, page_file(PAGES.ledger)))
    correct = reverse("archive:upload-correct", args=[the_upload.uid, 0, 0])
    changes = {"title": "Councils brace for cuts", "issue_date": "2024-03-15", "original_url": ""}
    response = client.post(correct, as_posted(the_upload, 0, 0, **changes))
    assert response.status_code == 302
    assert response.url.endswith("#article-0-0")
    the_upload.refresh_from_db()
    assert the_upload.corrections == {"0:0": changes}
    page = page_body(client.get(the_upload.get_absolute_url()))
    assert (
        "<strong>Corrected:</strong> Title (read as “Councils brace for a winter of cuts”); "
        "Date (read as “2024-03-14”); Original URL (read as “https://www.northernledger"
    ) in page

    assert client.post(reverse("archive:upload-confirm", args=[the_upload.uid])).status_code == 302
    assert upload_jobs.run_pending() == (1, False)
    the_upload.refresh_from_db()
    assert the_upload.state == Upload.State.STORED
    article = Article.objects.get()
    assert (article.title, str(article.issue_date)) == ("Councils brace for cuts", "2024-03-15")
    assert article.author == "Jane Roe"
    assert article.source == "ledger-byline.html"
    assert article.original_url == ""  # cleared in the preview: the page's URL is not kept
    assert the_upload.report["articles"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
    }
    assert not the_upload.folder.exists()
    page = page_body(client.get(the_upload.get_absolute_url()))
    assert "Articles: 1 created, 0 updated, 0 unchanged." in page
    assert f'href="{article.get_absolute_url()}"' in page
    reader = client.get(article.get_absolute_url())
    assert reader.status_code == 200 and "Councils brace for cuts" in page_body(reader)
    assert not PendingIndexUpdate.objects.exists()  # the index took it in
    hits = client.get(reverse("api:search"), {"q": "councils"}).json()
    assert hits["count"] >= 1, hits


def test_a_bad_correction_is_a_400_that_keeps_the_form(client_for, people):
    client = client_for(people.uploader)
    the_upload = read_now(client, upload(client, page_file(PAGES.ledger)))
    response = client.post(
        reverse("archive:upload-correct", args=[the_upload.uid, 0, 0]),
        {
            "0-0-title": "Two\nlines",
            "0-0-issue_date": "not a date",
            "0-0-original_url": "javascript:alert(1)",
        },
    )
    assert response.status_code == 400
    page = page_body(response)
    assert "One line of text" in page and "Enter a valid date." in page
    assert page.count("Enter a web address starting with http:// or https://.") == 1
    assert "The correction of “Councils brace for a winter of cuts” was not saved" in page
    assert 'href="#article-0-0"' in page
    the_upload.refresh_from_db()
    assert the_upload.corrections == {}
    missing = reverse("archive:upload-correct", args=[the_upload.uid, 0, 5])
    assert client.post(missing, {"0-5-title": "x"}).status_code == 400


def test_an_upload_that_updates_the_corpus_reports_the_annotations_it_moved(client_for, people):
    from io import StringIO

    from django.core.management import call_command

    call_command("ingest", str(CORPUS), stdout=StringIO())
    annotation = annotate(people.reader, "prawn cocktail offensive", note="moves")
    changed = CORPUS.read_text(encoding="utf-8").replace(
        "Most of Labour's policy", "Most of New Labour's policy", 1
    )
    assert changed != CORPUS.read_text(encoding="utf-8")
    client = client_for(people.uploader)
    the_upload = read_now(client, upload(client, sent(CORPUS.name, changed)))
    assert {a["fate"] for a in the_upload.preview[0]["articles"]} == {"update"}
    client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
    upload_jobs.run_pending()
    the_upload.refresh_from_db()
    assert the_upload.report["articles"]["updated"] == 1
    assert the_upload.report["articles"]["unchanged"] == 1
    assert the_upload.report["articles"]["created"] == 0
    annotation.refresh_from_db()
    assert annotation.start_paragraph.text.startswith("Most of New Labour's policy")
    assert annotation.quote == "prawn cocktail offensive"
    assert the_upload.report["annotations"]["moved"] == 1
    assert "orphaned" not in the_upload.report["annotations"]
    page = page_body(client.get(the_upload.get_absolute_url()))
    assert "1 moved with their text, 0 re-anchored to changed text" in page
    assert Article.objects.count() == 2


def test_a_zip_of_pages_is_unpacked_and_read(client_for, people):
    client = client_for(people.curator)
    archive = zipped(
        {
            "pages/ledger.html": PAGES.ledger.read_bytes(),
            "pages/notes.htm": PAGES.notes.read_bytes(),
            "README.md": "left out",
        }
    )
    the_upload = read_now(client, upload(client, sent("pages.zip", archive)))
    assert [f["name"] for f in the_upload.preview] == [
        "pages.zip/pages/ledger.html",
        "pages.zip/pages/notes.htm",
    ]
    assert [len(f["articles"]) for f in the_upload.preview] == [1, 1]
    client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
    upload_jobs.run_pending()
    assert set(Article.objects.values_list("source", flat=True)) == {
        "pages.zip/pages/ledger.html",
        "pages.zip/pages/notes.htm",
    }


def test_the_same_file_again_is_unchanged(client_for, people):
    client = client_for(people.uploader)
    for _ in range(2):
        the_upload = read_now(client, upload(client, page_file(PAGES.review)))
        client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
        upload_jobs.run_pending()
        the_upload.refresh_from_db()
        Upload.objects.all().delete()
    assert the_upload.report["articles"]["unchanged"] == 1
    assert Article.objects.count() == 1


def test_the_status_follows_the_job(client_for, people):
    client = client_for(people.uploader)
    upload(client, page_file(PAGES.ledger))
    the_upload = Upload.objects.get()
    status = reverse("archive:upload-status", args=[the_upload.uid])
    assert client.get(status).json() == {
        "state": "waiting",
        "label": "Waiting to be read",
        "busy": True,
        "files_done": 0,
        "files_total": 1,
    }
    upload_jobs.run_pending()
    answer = client.get(status).json()
    assert (answer["state"], answer["busy"], answer["files_done"]) == ("previewed", False, 1)
    busy = page_body(client.get(the_upload.get_absolute_url()))
    assert "data-upload-status" not in busy


def test_discarding_removes_the_files_and_stores_nothing(client_for, people):
    client = client_for(people.uploader)
    the_upload = read_now(client, upload(client, page_file(PAGES.ledger)))
    assert the_upload.folder.exists()
    response = client.post(reverse("archive:upload-discard", args=[the_upload.uid]))
    assert response.status_code == 302
    the_upload.refresh_from_db()
    assert the_upload.state == Upload.State.DISCARDED and not the_upload.folder.exists()
    refused = client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
    assert refused.status_code == 400
    assert upload_jobs.run_pending() == (0, False)
    assert Article.objects.count() == 0


@pytest.mark.parametrize("state", [Upload.State.READING, Upload.State.STORING])
def test_a_job_whose_worker_stopped_is_taken_up_again(client_for, people, state):
    from datetime import timedelta

    from django.utils import timezone

    from archive import uploads

    client = client_for(people.uploader)
    the_upload = read_now(client, upload(client, page_file(PAGES.ledger)))
    long_ago = timezone.now() - uploads.STALE_AFTER - timedelta(seconds=1)
    Upload.objects.filter(pk=the_upload.pk).update(state=state, heartbeat=long_ago)
    assert upload_jobs.run_pending() == (1, False)
    the_upload.refresh_from_db()
    expected = Upload.State.PREVIEWED if state == Upload.State.READING else Upload.State.STORED
    assert the_upload.state == expected
    # One still heard from is left to its worker.
    Upload.objects.filter(pk=the_upload.pk).update(state=state, heartbeat=timezone.now())
    assert upload_jobs.run_pending() == (0, False)


def test_the_worker_command_runs_the_waiting_jobs(client_for, people):
    from io import StringIO

    from django.core.management import call_command

    upload(client_for(people.uploader), page_file(PAGES.ledger))
    out = StringIO()
    call_command("upload_worker", "--until-idle", stdout=out)
    assert "1 jobs run" in out.getvalue()
    assert Upload.objects.get().state == Upload.State.PREVIEWED


def test_a_long_preview_is_shown_a_page_at_a_time_and_corrections_return_to_theirs(
    client_for, people
):
    from commonplace.adding import PREVIEW_PER_PAGE
    from tests.conftest import article_text

    footer = "This article first appeared in the 17 May 2010 issue of the New Statesman, Bench"
    count = PREVIEW_PER_PAGE + 10
    text = "".join(
        article_text(f"Article number {n}", [f"The text of article {n}."], footer)
        for n in range(count)
    )
    client = client_for(people.uploader)
    the_upload = read_now(client, upload(client, sent("many.txt", text)))
    first = page_body(client.get(the_upload.get_absolute_url()))
    assert f"Read: <strong>{count} articles</strong>" in first
    assert "Article number 0<" in first and f"Article number {PREVIEW_PER_PAGE}<" not in first
    assert f"Store {count} articles" in first and "Page 1 of 2" in first
    last = page_body(client.get(the_upload.get_absolute_url(), {"page": 2}))
    assert f"Article number {PREVIEW_PER_PAGE + 9}<" in last and "Article number 0<" not in last
    order = PREVIEW_PER_PAGE + 3
    url = reverse("archive:upload-correct", args=[the_upload.uid, 0, order])
    response = client.post(url, {f"0-{order}-title": "Renamed"})
    assert response.url.endswith(f"?page=2#article-0-{order}")
    bad = client.post(url, {f"0-{order}-title": ""})
    assert bad.status_code == 400 and "Page 2 of 2" in page_body(bad)
    assert "This field is required." in page_body(bad)
