"""Adding articles in a real browser: files chosen, sent with a progress bar, read by a
job while the page watches, a title corrected in the preview, stored, then read.

The jobs run as the upload worker runs them, here from the test's thread: the live
server shares that thread's in-memory SQLite connection, which a job thread of its own
could not write beside (SQLite's shared cache locks whole tables; a file database in
WAL mode, as `make run` has, does not). tests/uploads/test_upload_jobs.py runs them in
their own thread.
"""

import re

import pytest

from archive.models import Article, Upload
from commonplace import upload_jobs
from tests.archive.html_pages import LEDGER, REVIEW
from tests.e2e.conftest import SHOTS
from tests.e2e.test_reader_browser import log_in

CORRECTED = "Councils brace for the deepest cuts in a decade"


@pytest.fixture(autouse=True)
def incoming(tmp_path, settings):
    settings.COMMONPLACE_UPLOAD_DIR = tmp_path / "incoming"
    settings.COMMONPLACE_UPLOAD_JOBS = "worker"


def run_jobs_while_the_page_watches(page) -> None:
    page.locator("[data-upload-status]").wait_for()
    assert upload_jobs.run_pending() == (1, False)


def test_upload_correct_a_title_confirm_and_read(page, users):
    corpus = Article.objects.count()
    log_in(page, "staff", "staff-pass-123", "/articles/add/")
    page.set_input_files("#upload-files", [str(LEDGER), str(REVIEW)])
    assert re.fullmatch(
        r"2 files \(\d+(\.\d)? kB\): ledger-byline.html, review-meta.html",
        page.inner_text("[data-upload-chosen]"),
    )
    page.screenshot(path=SHOTS / "upload-add-desktop.png", full_page=True)
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_url(re.compile(r"/articles/add/[0-9a-f-]{36}/$"))
    assert "Waiting to be read" in page.inner_text("[data-upload-status]")
    run_jobs_while_the_page_watches(page)
    # The page sees the job done and shows the preview without being reloaded by hand.
    page.locator(".upload-articles").wait_for(timeout=30_000)
    assert Article.objects.count() == corpus
    first = page.locator(".upload-article").first
    assert first.locator("h2").inner_text() == "Councils brace for a winter of cuts"
    page.screenshot(path=SHOTS / "upload-preview-desktop.png", full_page=True)

    first.locator("summary", has_text="Correct the details").click()
    first.get_by_label("Title").fill(CORRECTED)
    first.get_by_role("button", name="Save the correction").click()
    corrected = page.locator(".upload-article").first
    corrected.locator("h2", has_text=CORRECTED).wait_for()
    read_as = "Corrected: Title (read as “Councils brace for a winter of cuts”)"
    assert read_as in corrected.inner_text()
    assert Article.objects.count() == corpus

    page.get_by_role("button", name="Store 2 articles").first.click()
    run_jobs_while_the_page_watches(page)
    page.get_by_text("Articles: 2 created, 0 updated, 0 unchanged.").wait_for(timeout=30_000)
    assert Upload.objects.get().state == Upload.State.STORED
    page.screenshot(path=SHOTS / "upload-report-desktop.png", full_page=True)
    page.get_by_role("link", name=CORRECTED).click()
    page.wait_for_url(re.compile(r"/articles/councils-brace-for-the-deepest-cuts-in-a-decade/"))
    assert page.locator("h1").inner_text() == CORRECTED
    assert "Jane Roe" in page.inner_text("main")


def test_a_refused_file_is_told_on_the_page_and_nothing_is_kept(page, users, tmp_path):
    log_in(page, "staff", "staff-pass-123", "/articles/add/")
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ\x90\x00")
    page.set_input_files("#upload-files", [str(program)])
    page.click("form[data-upload] button[type=submit]")
    message = page.locator("[data-upload-message]")
    message.wait_for()
    assert "setup.exe: not a kind of file Commonplace reads" in message.inner_text()
    page.screenshot(path=SHOTS / "upload-refused-desktop.png", full_page=True)
    assert page.locator("form[data-upload] button[type=submit]").is_enabled()
    assert not Upload.objects.exists()


def test_the_preview_reads_on_a_phone(page, users, browser, live_server):
    log_in(page, "staff", "staff-pass-123", "/articles/add/")
    page.set_input_files("#upload-files", [str(LEDGER)])
    page.click("form[data-upload] button[type=submit]")
    run_jobs_while_the_page_watches(page)
    page.locator(".upload-articles").wait_for(timeout=30_000)
    url = page.url
    phone = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 740},
        storage_state=page.context.storage_state(),
    ).new_page()
    phone.goto(url)
    phone.locator(".upload-article").first.wait_for()
    # Nothing wider than the screen: long addresses wrap.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375
    phone.screenshot(path=SHOTS / "upload-preview-phone.png", full_page=True)
    phone.context.close()
