"""The Cite panel in a real browser (tests/e2e/conftest.py): copying a reference puts its
text (and its italics, as HTML) on the clipboard and says so; without a clipboard the text
is selected instead; a download is the file it names. Screenshots of the open panel at a
phone's width and a laptop's are saved to look at (SHOTS)."""

import json

import pytest

from tests.conftest import NEW_LABOUR
from tests.e2e.conftest import SHOTS

APA = (
    "Giddens, A. (2010, May 17). The rise and fall of New Labour. New Statesman. "
    "{base}/articles/the-rise-and-fall-of-new-labour/"
)


@pytest.fixture
def reader(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"/articles/{NEW_LABOUR}/")
    return page


def open_cite(page) -> None:
    page.get_by_text("Cite", exact=True).click()
    page.locator("#cite .cite__panel").wait_for()


def test_copy_a_reference_and_hear_it_was_copied(reader, live_server):
    open_cite(reader)
    reader.get_by_role("button", name="Copy APA (7th ed.)").click()
    status = reader.locator("#cite .cite__status")
    status.filter(has_text="APA (7th ed.): copied.").wait_for()
    assert status.get_attribute("role") == "status"
    # The button says so too, for a moment; its name keeps the style's.
    label = reader.locator("[data-copy=cite-apa] .cite__copy-label")
    assert label.inner_text() == "Copied"
    assert reader.get_by_role("button", name="Copied APA (7th ed.)").count() == 1
    assert reader.evaluate("() => navigator.clipboard.readText()") == APA.format(
        base=live_server.url
    )
    html = reader.evaluate(
        """async () => {
          const [item] = await navigator.clipboard.read();
          return await (await item.getType('text/html')).text();
        }"""
    )
    assert "<i>New Statesman</i>" in html
    # The label comes back, ready for another copy.
    reader.wait_for_function("() => !document.querySelector('.cite__copy.is-done')")
    assert label.inner_text() == "Copy"


def test_the_keyboard_opens_the_panel_and_copies_the_key(reader):
    summary = reader.locator("#cite summary")
    summary.focus()
    reader.keyboard.press("Enter")
    assert reader.evaluate("() => document.getElementById('cite').open")
    reader.get_by_role("button", name="Copy citation key").focus()
    reader.keyboard.press("Enter")
    reader.locator("#cite .cite__status").filter(has_text="copied").wait_for()
    assert reader.evaluate("() => navigator.clipboard.readText()") == "giddens2010rise"
    reader.keyboard.press("Escape")
    assert not reader.evaluate("() => document.getElementById('cite').open")
    assert reader.evaluate("() => document.activeElement.matches('#cite summary')")


def test_without_a_clipboard_the_reference_is_selected(page):
    # As on a page served over plain http from another machine: no navigator.clipboard.
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(f"/articles/{NEW_LABOUR}/")
    open_cite(page)
    page.get_by_role("button", name="Copy MLA (9th ed.)").click()
    page.locator("#cite .cite__status").filter(has_text="Ctrl+C").wait_for()
    selected = page.evaluate("() => getSelection().toString()")
    assert selected == page.locator("#cite-mla").inner_text()
    assert selected.startswith("Giddens, Anthony.")


def test_a_download_is_the_file_it_names(reader, live_server):
    open_cite(reader)
    with reader.expect_download() as download_info:
        reader.get_by_role("link", name="CSL-JSON").click()
    download = download_info.value
    assert download.suggested_filename == "giddens2010rise.json"
    (item,) = json.loads(download.path().read_text(encoding="utf-8"))
    assert item["title"] == "The rise and fall of New Labour"
    assert item["URL"] == f"{live_server.url}/articles/{NEW_LABOUR}/"
    with reader.expect_download() as download_info:
        reader.get_by_role("link", name="BibTeX").click()
    bibtex = download_info.value.path().read_text(encoding="utf-8")
    assert bibtex.startswith("@article{giddens2010rise,")


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 900)])
def test_the_open_panel_fits_the_screen(reader, width, height):
    reader.set_viewport_size({"width": width, "height": height})
    open_cite(reader)
    reader.get_by_role("button", name="Copy Harvard (Cite Them Right)").click()
    reader.locator("#cite .cite__status").filter(has_text="copied").wait_for()
    cite = reader.locator("#cite")
    cite.scroll_into_view_if_needed()
    overflow = reader.evaluate(
        "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    box = cite.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    reader.screenshot(path=str(SHOTS / f"cite-{width}.png"))
    cite.screenshot(path=str(SHOTS / f"cite-panel-{width}.png"))
