"""The search page in a real browser, on a phone and on a laptop: Playwright driving
Debian's Chromium, headless (tests/e2e/conftest.py)."""

import os

import pytest

from tests.conftest import MOMENTUM

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
SCREENSHOTS = os.environ.get("SEARCH_SCREENSHOTS")  # a folder, to look at the pages


@pytest.fixture
def open_page(browser, live_server, live_corpus):
    contexts = []

    def open_at(viewport: dict, url: str, name: str):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.set_default_timeout(10_000)
        page.goto(url)
        page.wait_for_load_state("load")
        page.errors = errors
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{viewport['width']}.png")
        return page

    yield open_at
    for context in contexts:
        context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_on_a_phone_the_results_come_first_and_the_filters_open_on_request(open_page):
    page = open_page(PHONE, "/search/?q=labour", "results")
    filters = page.locator("details.filters")
    assert not filters.evaluate("el => el.open")
    assert box(page, ".hits .hit")["y"] < PHONE["height"]
    assert not page.locator(".facets").is_visible()
    page.click("details.filters > summary")
    assert page.locator(".facets").is_visible()
    toggle, heading = box(page, "details.filters > summary"), box(page, "#results-heading")
    assert toggle["y"] < heading["y"]  # the control sits above the results
    assert page_width(page) <= PHONE["width"]
    assert not page.errors


def test_on_a_laptop_the_filters_stand_beside_the_results(open_page):
    page = open_page(LAPTOP, "/search/?q=labour", "results")
    assert page.locator("details.filters").evaluate("el => el.open")
    assert not page.locator("details.filters > summary").is_visible()
    facets, results = box(page, ".facets"), box(page, ".results")
    assert facets["x"] + facets["width"] <= results["x"]
    assert abs(facets["y"] - results["y"]) < 20
    assert not page.errors


def test_chosen_filters_show_their_labels(open_page):
    url = f"/search/?q=labour&section={MOMENTUM}:1&author=__none__"
    page = open_page(PHONE, url, "chips")
    chips = page.locator(".chips").inner_text()
    assert "Section: 1. The Bus — Losing Momentum" in chips
    assert "Author: No author" in chips and "__none__" not in chips
    assert page.locator("details.filters > summary").inner_text().split() == [
        "Filter",
        "2",
        "chosen",
    ]
    assert page_width(page) <= PHONE["width"]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP])
def test_nothing_found_has_no_empty_filter_column(open_page, viewport):
    page = open_page(viewport, "/search/?q=zzyzzx", "nothing")
    assert page.locator("details.filters").count() == 0
    heading, form = box(page, "#results-heading"), box(page, "main .search-form")
    assert abs(heading["x"] - form["x"]) < 2
    assert not page.errors


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP])
def test_a_long_query_does_not_widen_the_page(open_page, viewport):
    long_query = "Schröder" + "x" * 300
    page = open_page(viewport, f"/search/?q={long_query}&author=__none__", "long-query")
    assert page_width(page) <= viewport["width"]
    long_words = "labour " + " ".join(["Momentum"] * 40)
    page = open_page(viewport, f"/search/?q={long_words}", "long-words")
    assert page_width(page) <= viewport["width"]
