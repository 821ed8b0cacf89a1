"""One browser for every browser test: Playwright's sync API allows one at a time, so a
second module launching its own failed every test of the first."""

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
