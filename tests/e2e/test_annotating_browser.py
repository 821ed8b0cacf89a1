"""Annotating in the reader, in a real browser: one save per click, errors a person can
read, visibility seen and said, the note's preview, "text changed", and the keyboard."""

import re

from annotations.models import Annotation
from archive.models import Paragraph
from tests.conftest import NEW_LABOUR, annotate
from tests.e2e.conftest import PHRASE, SHOTS
from tests.e2e.test_reader_browser import drag_select, log_in


def test_save_clicked_three_times_makes_one_annotation(page, users):
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    drag_select(page, PHRASE)
    page.click(".annotate-control button")
    page.fill("#annotation-note", "Only once")
    # Three clicks in one go, before the first save can be answered.
    state = page.evaluate(
        """() => {
          const save = document.querySelector('#annotation-dialog button[type=submit]');
          save.click(); save.click(); save.click();
          return {disabled: save.disabled, text: save.textContent};
        }"""
    )
    assert state == {"disabled": True, "text": "Saving…"}
    page.locator(".hl.hl--mine").wait_for()
    page.wait_for_function("() => !document.querySelector('#annotation-dialog').open")
    assert Annotation.objects.count() == 1
    assert Annotation.objects.get().client_key is not None
    assert page.locator(".annotation-panel__item").count() == 1
    # The next new annotation gets a key of its own.
    drag_select(page, "New Labour as such is dead")
    page.keyboard.press("a")
    page.fill("#annotation-note", "Another")
    page.click("#annotation-dialog button[type=submit]")
    page.locator(".annotation-panel__item").nth(1).wait_for()
    assert Annotation.objects.count() == 2
    save = page.locator("#annotation-dialog button[type=submit]")
    assert save.is_enabled() and save.inner_text() == "Save"


def test_a_with_nothing_selected_asks_for_a_passage(page, users):
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    drag_select(page, PHRASE)
    page.keyboard.press("a")
    page.fill("#annotation-note", "First")
    page.click("#annotation-dialog button[type=submit]")
    page.locator(".hl.hl--mine").wait_for()
    page.evaluate("() => getSelection().removeAllRanges()")
    page.locator("h1").click()  # focus leaves the highlight; nothing is selected
    page.keyboard.press("a")
    page.locator("#reader-notice", has_text="Select a passage first").wait_for()
    assert not page.evaluate("() => document.querySelector('#annotation-dialog').open")
    page.wait_for_function(
        "() => document.querySelector('#reader-status').textContent.startsWith('Select a passage')"
    )
    assert Annotation.objects.count() == 1


def test_a_panel_item_opens_its_note_and_keeps_it_open(page, users):
    annotate(users.owner, PHRASE, note="Kept open")
    annotate(users.owner, "New Labour as such is dead", note="The second")
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    popover = page.locator(".annotation-popover")
    page.locator(".annotation-panel__item").first.click()
    popover.locator("text=Kept open").wait_for()
    page.wait_for_timeout(400)  # past the smooth scroll: still open
    assert popover.is_visible()
    page.keyboard.press("Escape")
    assert popover.is_hidden()
    page.locator(".annotation-panel__item").nth(1).focus()
    page.keyboard.press("Enter")
    popover.locator("text=The second").wait_for()
    page.wait_for_timeout(400)
    assert popover.is_visible()
    page.mouse.click(5, 5)  # a click elsewhere still closes it
    assert popover.is_hidden()


def test_errors_read_as_sentences(page, users):
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    drag_select(page, PHRASE)
    page.keyboard.press("a")
    page.fill("#annotation-tags", "fine, " + "x" * 101)
    page.click("#annotation-dialog button[type=submit]")
    errors = page.locator(".annotation-form__errors")
    errors.locator("p").wait_for()
    assert errors.inner_text() == "Tag 2: Ensure this field has no more than 100 characters."
    assert not Annotation.objects.exists()


def test_a_lost_session_keeps_the_note_and_offers_to_log_in_again(page, users):
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    drag_select(page, PHRASE)
    page.keyboard.press("a")
    page.fill("#annotation-note", "Written before the session ended")
    page.fill("#annotation-tags", "City")
    page.context.clear_cookies()  # logged out elsewhere, or the session expired
    page.click("#annotation-dialog button[type=submit]")
    errors = page.locator(".annotation-form__errors")
    errors.locator("a", has_text="Log in again").wait_for()
    assert "You are logged out" in errors.inner_text()
    assert "credentials" not in errors.inner_text()
    assert not Annotation.objects.exists()

    errors.locator("a", has_text="Log in again").click()
    page.fill("#id_username", "owner")
    page.fill("#id_password", "owner-pass-123")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(f"/articles/{NEW_LABOUR}/")))
    page.wait_for_function("() => document.querySelector('#annotation-dialog').open")
    assert page.input_value("#annotation-note") == "Written before the session ended"
    assert page.input_value("#annotation-tags") == "City"
    assert page.inner_text(".annotation-form__quote") == PHRASE
    page.click("#annotation-dialog button[type=submit]")
    page.locator(".hl.hl--mine").wait_for()
    annotation = Annotation.objects.get()
    assert (annotation.note, annotation.quote) == ("Written before the session ended", PHRASE)
    page.reload()  # the draft is used once
    page.locator(".hl").wait_for()
    assert not page.evaluate("() => document.querySelector('#annotation-dialog').open")


def test_private_and_shared_look_and_read_differently(page, users):
    mine = annotate(users.owner, "prawn cocktail offensive to evolve", note="Mine")
    theirs = annotate(
        users.other, "cocktail offensive to evolve into", note="Theirs", visibility="shared"
    )
    later = annotate(users.owner, "New Labour as such is dead", visibility="shared")
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    private = page.locator(f"#annotation-{mine.pk}")
    private.wait_for()
    assert "hl--private" in private.get_attribute("class")
    assert private.get_attribute("aria-label").startswith("Private annotation: prawn")
    shared = page.locator(f"#annotation-{later.pk}")
    assert "hl--private" not in shared.get_attribute("class")
    assert shared.get_attribute("aria-label").startswith("Shared annotation:")
    assert (
        page.locator(f"#annotation-{theirs.pk}")
        .get_attribute("aria-label")
        .startswith("Shared annotation:")
    )

    def lock(selector):
        return page.evaluate(
            f"() => getComputedStyle(document.querySelector('{selector}'), '::before')"
            ".backgroundImage"
        )

    assert "lock" in lock(f"#annotation-{mine.pk}")
    assert "lock" not in lock(f"#annotation-{later.pk}")
    styles = page.evaluate(
        f"""() => ['{mine.pk}', '{later.pk}'].map((id) =>
          getComputedStyle(document.getElementById('annotation-' + id)).borderBottomStyle)"""
    )
    assert styles == ["dashed", "solid"]
    items = page.locator(".annotation-panel__item")
    assert "Private:" in items.nth(0).inner_text()
    assert "lock" in lock(".annotation-panel__list li:nth-child(1) .visibility")
    assert "Shared:" in items.nth(2).inner_text()
    assert "lock" not in lock(".annotation-panel__list li:nth-child(3) .visibility")
    assert "is-private" in items.nth(0).get_attribute("class")
    page.screenshot(path=str(SHOTS / "visibility-1366.png"))

    page.click(".hl--overlap")
    popover = page.locator(".annotation-popover")
    popover.wait_for()
    quotes = popover.locator(".annotation-card__quote")
    assert [quotes.nth(i).inner_text() for i in range(2)] == [
        "prawn cocktail offensive to evolve",
        "cocktail offensive to evolve into",
    ]


def test_a_long_popover_stays_on_screen_and_long_urls_wrap(page, users):
    url = "https://example.org/" + "a-very-long-path-segment-" * 12
    annotate(users.owner, PHRASE, note=f"{url}\n\n" + "A long note. " * 300)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    page.locator(".hl").first.click()
    popover = page.locator(".annotation-popover")
    popover.wait_for()
    box = page.evaluate(
        """() => {
          const r = document.querySelector('.annotation-popover').getBoundingClientRect();
          const note = document.querySelector('.annotation-card__note');
          return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                  scrolls: note.closest('.annotation-popover').scrollHeight > r.height,
                  clipped: note.scrollWidth > note.clientWidth};
        }"""
    )
    assert box["top"] >= 0 and box["bottom"] <= 844, box
    assert box["left"] >= 0 and box["right"] <= 390, box
    assert box["scrolls"] and not box["clipped"], box
    page.screenshot(path=str(SHOTS / "popover-390.png"))


def test_the_note_preview_shows_the_servers_rendering(page, users):
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    drag_select(page, PHRASE)
    page.keyboard.press("a")
    page.fill("#annotation-note", "A **bold** claim: https://example.org/a")
    page.click("#note-tab-preview")
    preview = page.locator("#annotation-preview")
    preview.locator("strong", has_text="bold").wait_for()
    link = preview.locator("a")
    assert link.get_attribute("href") == "https://example.org/a"
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    assert page.locator("#annotation-note").is_hidden()
    assert page.get_attribute("#note-tab-preview", "aria-selected") == "true"
    page.screenshot(path=str(SHOTS / "preview-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "preview-390.png"))
    page.keyboard.press("ArrowLeft")  # back to Write, from the keyboard
    assert page.locator("#annotation-note").is_visible() and preview.is_hidden()
    page.click("#annotation-dialog button[type=submit]")
    page.locator(".hl.hl--mine").wait_for()
    assert Annotation.objects.get().note == "A **bold** claim: https://example.org/a"


def test_the_owner_clears_text_changed_once_checked(page, users):
    annotation = annotate(users.owner, PHRASE, note="Moved", visibility="shared")
    Annotation.objects.filter(pk=annotation.pk).update(anchor=Annotation.Anchor.FUZZY)
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    item = page.locator(".annotation-panel__item")
    item.locator(".badge", has_text="text changed").wait_for()
    page.click(".hl")
    popover = page.locator(".annotation-popover")
    popover.locator(".badge", has_text="text changed").wait_for()
    popover.locator("button", has_text="I've checked this").click()
    page.wait_for_function(
        "() => !document.querySelector('.annotation-panel__list').textContent"
        ".toLowerCase().includes('text changed')"
    )
    assert popover.is_visible() and "text changed" not in popover.inner_text().lower()
    annotation.refresh_from_db()
    assert annotation.anchor == Annotation.Anchor.ANCHORED


def test_others_see_text_changed_but_cannot_clear_it(page, users):
    annotation = annotate(users.owner, PHRASE, note="Moved", visibility="shared")
    Annotation.objects.filter(pk=annotation.pk).update(anchor=Annotation.Anchor.FUZZY)
    log_in(page, "other", "other-pass-123", f"/articles/{NEW_LABOUR}/")
    page.click(".hl")
    popover = page.locator(".annotation-popover")
    popover.locator(".badge", has_text="text changed").wait_for()
    assert popover.locator("button", has_text="I've checked this").count() == 0


def test_pilcrows_are_not_tab_stops_and_paragraphs_are_one(page, users):
    annotate(users.owner, PHRASE, note="One highlight")
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    page.locator(".hl").wait_for()
    stops = page.evaluate(
        """() => [...document.querySelectorAll('.article-body *')]
             .filter((element) => element.tabIndex >= 0)
             .map((element) => element.className)"""
    )
    assert stops == ["paragraph paragraph--body", "hl hl--mine hl--private"], stops
    assert page.locator(".pilcrow").count() > 20
    assert page.evaluate(
        "() => [...document.querySelectorAll('.pilcrow')].every(a => a.tabIndex === -1)"
    )
    page.click(".pilcrow >> nth=2")  # still links, for the mouse
    assert page.url.endswith(page.locator(".pilcrow").nth(2).get_attribute("href"))


def test_annotating_a_paragraph_or_a_sentence_from_the_keyboard(page, users):
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    first = page.locator(".paragraph").first
    first.focus()
    page.keyboard.press("ArrowDown")
    second = page.locator(".paragraph").nth(1)
    assert page.evaluate("() => document.activeElement.id") == second.get_attribute("id")
    assert second.get_attribute("tabindex") == "0" and first.get_attribute("tabindex") == "-1"

    page.keyboard.press("a")  # nothing selected: the whole paragraph
    page.wait_for_function("() => document.querySelector('#annotation-dialog').open")
    paragraph = Paragraph.objects.get(pk=second.get_attribute("data-paragraph"))
    assert page.inner_text(".annotation-form__quote") == paragraph.text.strip()
    page.fill("#annotation-note", "The whole paragraph")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # in the tags field: saves
    page.locator(".hl").first.wait_for()
    whole = Annotation.objects.get()
    assert (whole.start_offset, whole.end_offset) == (0, len(paragraph.text))

    page.locator(".paragraph").nth(2).focus()
    page.keyboard.press("s")
    page.keyboard.press("s")  # the second sentence
    third = Paragraph.objects.get(
        pk=page.locator(".paragraph").nth(2).get_attribute("data-paragraph")
    )
    selected = page.evaluate("() => getSelection().toString()")
    assert selected and selected in third.text and not third.text.startswith(selected)
    page.keyboard.press("a")
    page.wait_for_function("() => document.querySelector('#annotation-dialog').open")
    assert page.inner_text(".annotation-form__quote") == selected
    page.click("#annotation-dialog button[type=submit]")
    page.wait_for_function("() => !document.querySelector('#annotation-dialog').open")
    sentence = Annotation.objects.exclude(pk=whole.pk).get()
    assert sentence.quote == selected
