"""The annotation list and the tag pages in a real browser: edited and deleted without
JavaScript, and no wider than a phone. A missing browser fails these tests."""

import os
import re

import pytest

from annotations.models import Annotation
from archive.models import Article
from tests.conftest import annotate
from tests.e2e.test_reader_browser import log_in

SCREENSHOTS = os.environ.get("SCREENSHOTS")  # a folder, to look at the pages by eye
LONG_TAG = "parliamentary-labour-party-leadership-challenges-and-deselections"


@pytest.fixture
def open_page(browser, live_server, live_corpus):
    contexts = []

    def open_at(width: int, height: int, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_at
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def longest_titled_annotation(users) -> Annotation:
    article = max(Article.objects.all(), key=lambda a: len(a.title))
    phrase = article.paragraphs.order_by("position").first().text[:30]
    annotation = annotate(users.owner, phrase, note="A long tag", tags=[LONG_TAG, "Zebra"])
    tag = annotation.tags.get(name=LONG_TAG)
    tag.description = (
        "Every challenge to the leader, from the 2016 vote of no confidence onwards, "
        "with the constituency fights that followed."
    )
    tag.save(update_fields=["description"])
    return annotation


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 900)])
def test_the_lists_fit_the_screen(open_page, users, width, height):
    annotation = longest_titled_annotation(users)
    annotate(users.owner, "prawn cocktail", note="Finance", tags=["apple", "Banana"])
    page = open_page(width, height)
    log_in(page, "owner", "owner-pass-123", "/annotations/")
    page.select_option("select[name=article]", annotation.article.slug)
    assert page.evaluate("document.documentElement.scrollWidth") == width
    shoot(page, f"annotations-{width}")
    page.goto("/tags/")
    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert page.locator(".tag-table td a").all_inner_texts() == [
        "apple", "Banana", LONG_TAG, "Zebra",
    ]  # fmt: skip
    shoot(page, f"tags-{width}")
    page.goto(f"/annotations/{annotation.pk}/edit/")
    assert page.evaluate("document.documentElement.scrollWidth") == width
    shoot(page, f"edit-{width}")


def test_edit_and_delete_from_a_tag_page_without_javascript(open_page, users):
    kept = annotate(users.owner, "prawn cocktail", note="First thoughts", tags=["City"])
    doomed = annotate(users.owner, "Trots?", note="To go", tags=["City"])
    page = open_page(390, 844, javascript=False)
    log_in(page, "owner", "owner-pass-123", "/tags/city/")
    page.locator(f'a[href^="/annotations/{kept.pk}/edit/"]').click()
    page.fill("textarea[name=note]", "Second *thoughts*")
    page.fill("input[name=tags]", "City, finance")
    page.check("input[name=visibility][value=shared]")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/tags/city/$"))
    assert page.locator(".notice").first.inner_text() == "The annotation is saved."
    assert "Second thoughts" in page.locator(".annotation-list").inner_text()
    kept.refresh_from_db()
    assert kept.visibility == "shared" and kept.version == 2
    page.locator(f'a[href^="/annotations/{doomed.pk}/delete/"]').click()
    assert "To go" in page.locator("main").inner_text()
    page.click("button:has-text('Delete')")
    page.wait_for_url(re.compile(r"/tags/city/$"))
    assert not Annotation.objects.filter(pk=doomed.pk).exists()
    assert page.locator(".annotation-item").count() == 1


def test_the_reference_style_is_offered_for_the_books_alone(open_page, users):
    annotate(users.owner, "prawn cocktail", tags=["city"])
    page = open_page(390, 844)
    log_in(page, "owner", "owner-pass-123", "/annotations/")
    style = page.locator(".export-form select[name=style]")
    assert style.is_visible()  # the Markdown book comes first
    page.select_option(".export-form select[name=format]", "csv")
    assert not style.is_visible()
    page.select_option(".export-form select[name=format]", "docx")
    assert style.is_visible()
    page.select_option(".export-form select[name=style]", "mla")
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    with page.expect_download() as download:
        page.click(".export-form button[type=submit]")
    assert download.value.suggested_filename.endswith(".docx")
