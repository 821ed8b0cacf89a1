"""The site under its Content-Security-Policy in a real browser: nothing is refused.

Chromium reports each refusal as a `securitypolicyviolation` event and a console error;
the reader is driven through annotating, which sets element.style from script (allowed).
"""

import re

import pytest

from tests.conftest import NEW_LABOUR
from tests.test_reader_browser import (  # noqa: F401 (fixtures)
    PHRASE,
    browser,
    drag_select,
    live_corpus,
    log_in,
    page,
)

WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def refusals(page):  # noqa: F811
    """What the policy refused: events on the current document, console errors on any."""
    page.context.add_init_script(WATCH_VIOLATIONS)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    def seen() -> list[str]:
        reported = page.evaluate("() => window.cspViolations")
        return reported + [error for error in errors if "Content Security Policy" in error]

    return seen


def test_the_policy_is_enforced_and_watched(page, refusals):  # noqa: F811
    """A control: an inline style is refused and seen, so silence below means something."""
    page.goto("/")
    page.evaluate(
        "() => document.body.insertAdjacentHTML('beforeend', '<b style=\"color:red\">x</b>')"
    )
    page.wait_for_function("() => window.cspViolations.length > 0")
    assert any("style-src" in refusal for refusal in refusals())


def test_the_reader_runs_under_the_policy(page, refusals, users):  # noqa: F811
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/?q=labour")
    assert page.locator(".paragraph-text mark").count() > 0
    drag_select(page, PHRASE)
    page.click(".annotate-control button")
    page.fill("#annotation-note", "See ![a chart](https://tracker.example/pixel.gif)")
    page.fill("#annotation-tags", "City")
    page.click("#annotation-dialog button[type=submit]")
    page.locator(".hl.hl--mine").wait_for()
    page.click(".hl")
    link = page.locator(".annotation-popover a", has_text="a chart")
    link.wait_for()
    assert link.get_attribute("href") == "https://tracker.example/pixel.gif"
    assert page.locator(".annotation-popover img").count() == 0
    assert refusals() == []
    for url in ("/", "/search/?q=labour", "/annotations/", "/tags/", "/accounts/token/"):
        page.goto(url)
        assert refusals() == [], url
    page.goto("/admin/login/")
    assert re.search("Log in|Site administration", page.title())
    assert refusals() == []
