"""One headless Chromium for every browser test: Playwright driving Debian's Chromium.

A missing browser fails these tests: it is never a skip counted as a pass. One session
fixture for all of them, because Playwright's sync API cannot start twice at once.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import CORPUS

# Playwright's sync API runs an event loop beside the test, which Django would otherwise
# take for async code calling the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHRASE = "prawn cocktail offensive"
# Screenshots to look at (not compared): COMMONPLACE_SHOTS, else a temporary folder.
SHOTS = Path(os.environ.get("COMMONPLACE_SHOTS", "/tmp/commonplace-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_corpus(transactional_db):
    call_command("ingest", str(CORPUS), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def page(browser, live_server, live_corpus):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not errors, errors
