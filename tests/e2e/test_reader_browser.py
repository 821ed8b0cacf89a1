"""The reader in a real browser: Playwright driving Debian's Chromium, headless
(tests/e2e/conftest.py). A missing browser fails these tests: it is never a skip."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from annotations.models import Annotation
from archive.models import Paragraph
from tests.conftest import NEW_LABOUR, annotate
from tests.e2e.conftest import PHRASE


def log_in(page, username: str, password: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url.split("?")[0])))


def drag_select(page, phrase: str) -> None:
    """Select a phrase with the mouse, as a reader would, once the page has stopped
    moving: on a loaded machine the reader's script may still be laying out the page when
    the phrase is first found, and a drag measured then selects other words."""
    box, previous = _phrase_box(page, phrase), None
    for _ in range(20):
        if box == previous:
            break
        page.wait_for_timeout(50)
        previous, box = box, _phrase_box(page, phrase)
    assert box, f"{phrase!r} is not on the page"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()
    assert page.evaluate("() => getSelection().toString()") == phrase


def _phrase_box(page, phrase: str) -> dict | None:
    return page.evaluate(
        """(phrase) => {
          for (const element of document.querySelectorAll('.paragraph-text')) {
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
              const at = node.textContent.indexOf(phrase);
              if (at === -1) continue;
              element.scrollIntoView({block: 'center'});
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + 1);
              const first = range.getClientRects()[0];
              range.setStart(node, at + phrase.length - 1);
              range.setEnd(node, at + phrase.length);
              const last = range.getClientRects()[0];
              return {x1: first.left + 1, y1: first.top + first.height / 2,
                      x2: last.right - 1, y2: last.top + last.height / 2};
            }
          }
          return null;
        }""",
        phrase,
    )


def test_annotate_edit_and_delete_in_the_reader(page, users):
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    drag_select(page, PHRASE)
    page.click(".annotate-control button")
    page.fill("#annotation-note", "The **turning point**.")
    page.fill("#annotation-tags", "City, Finance")
    page.click("#annotation-dialog button[type=submit]")

    highlight = page.locator(".hl.hl--mine")
    highlight.wait_for()
    assert highlight.inner_text() == PHRASE
    annotation = Annotation.objects.get()
    paragraph = annotation.start_paragraph
    assert paragraph.text[annotation.start_offset : annotation.end_offset] == PHRASE
    assert sorted(t.name for t in annotation.tags.all()) == ["City", "Finance"]
    assert annotation.note == "The **turning point**."

    page.reload()
    page.locator(".hl").wait_for()
    assert page.locator(".hl").inner_text() == PHRASE
    assert "The turning point." in page.inner_text(".annotation-panel__list")

    page.goto("/tags/city/")
    assert PHRASE in page.inner_text(".annotation-list")

    page.goto(f"/articles/{NEW_LABOUR}/")
    page.click(".hl")
    page.locator(".annotation-popover strong", has_text="turning point").wait_for()
    page.click(".annotation-popover button:text('Edit')")
    assert page.input_value("#annotation-tags") == "City, Finance"
    page.fill("#annotation-note", "A *second* thought.")
    page.click("#annotation-dialog button[type=submit]")
    page.locator(".annotation-panel__note", has_text="A second thought.").wait_for()
    annotation.refresh_from_db()
    assert annotation.note == "A *second* thought."

    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".hl")
    page.click(".annotation-popover button:text('Delete')")
    page.locator(".hl").wait_for(state="detached")
    assert not Annotation.objects.exists()


def test_an_emoji_before_the_selection_does_not_shift_it(page, users, write_file):
    path = write_file(
        "emoji.txt", "Votes\n\nStandfirst\n\n🗳️ 🇬🇧 Vote 𝔫𝔬𝔴: the ballot box decides, they say.\n"
    )
    call_command("ingest", str(path), stdout=io.StringIO())
    paragraph = Paragraph.objects.get(text__startswith="🗳️")
    log_in(page, "owner", "owner-pass-123", paragraph.article.get_absolute_url())
    drag_select(page, "ballot box")
    page.keyboard.press("a")  # the shortcut opens the form
    page.fill("#annotation-tags", "elections")
    page.keyboard.press("Enter")
    page.locator(".hl").wait_for()
    annotation = Annotation.objects.get()
    start = paragraph.text.index("ballot box")
    assert (annotation.start_offset, annotation.end_offset) == (start, start + 10)
    assert annotation.quote == "ballot box"
    page.reload()
    assert page.locator(".hl").inner_text() == "ballot box"


def test_shared_and_overlapping_highlights_and_keyboard_moves(page, users):
    mine = annotate(users.owner, "prawn cocktail offensive to evolve", note="Mine")
    theirs = annotate(
        users.other, "cocktail offensive to evolve into", note="Theirs", visibility="shared"
    )
    later = annotate(users.other, "New Labour as such is dead", visibility="shared")
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    page.locator(".hl--overlap").wait_for()
    assert page.locator(".hl--overlap").inner_text() == "cocktail offensive to evolve"
    assert page.locator(".hl--shared").count() >= 1
    assert page.locator(".annotation-panel__item").count() == 3

    page.keyboard.press("j")
    focused = page.evaluate("() => document.activeElement.id")
    assert focused in (f"annotation-{mine.pk}", f"annotation-{later.pk}")
    page.locator(f"#annotation-{mine.pk}").focus()
    for key, expected in [("j", theirs), ("j", later), ("k", theirs), ("k", mine)]:
        page.keyboard.press(key)
        assert page.evaluate("() => document.activeElement.id") == f"annotation-{expected.pk}"
    page.keyboard.press("j")  # to where the two overlap
    page.keyboard.press("Enter")
    popover = page.locator(".annotation-popover")
    popover.wait_for()
    assert "Mine" in popover.inner_text() and "Theirs" in popover.inner_text()
    assert f"owner · {mine.modified:%-d %b %Y} · private" in popover.inner_text()
    # Only the owner's card offers edit and delete.
    assert popover.locator("button:text('Edit')").count() == 1
    page.keyboard.press("Escape")
    assert popover.is_hidden()


def test_the_panel_filters_by_tag(page, users):
    annotate(users.owner, "prawn cocktail", tags=["City"])
    annotate(users.owner, "New Labour as such is dead", tags=["Legacy"])
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    page.locator(".annotation-panel__item").nth(1).wait_for()
    page.select_option(".annotation-panel select[name=tag]", "Legacy")
    assert page.locator(".annotation-panel__item").count() == 1
    assert page.locator(".hl").count() == 1
    assert page.locator(".hl").inner_text() == "New Labour as such is dead"


def test_anonymous_readers_are_asked_to_log_in(page):
    page.goto(f"/articles/{NEW_LABOUR}/")
    drag_select(page, PHRASE)
    link = page.locator(".annotate-control a", has_text="Log in to annotate")
    link.wait_for()
    assert f"next=%2Farticles%2F{NEW_LABOUR}%2F" in link.get_attribute("href")


def test_a_search_link_marks_the_words_in_the_reader(page):
    page.goto("/search/?q=%22prawn+cocktail%22")
    page.click(".hit__snippet a >> nth=0")
    page.wait_for_url(re.compile(r"#p-\d+$"))
    target = page.url.rsplit("#", 1)[1]
    marks = page.locator(f"#{target} mark")
    assert [marks.nth(i).inner_text() for i in range(marks.count())] == ["prawn", "cocktail"]


def test_a_change_made_elsewhere_is_never_undone_unseen(page, users):
    annotation = annotate(users.owner, PHRASE, note="First thoughts", visibility="shared")
    log_in(page, "owner", "owner-pass-123", f"/articles/{NEW_LABOUR}/")
    page.click(".hl")
    page.click(".annotation-popover button:text('Edit')")
    page.fill("#annotation-note", "My edit in this tab")
    # Meanwhile, in another tab, the owner makes it private.
    annotation.visibility = "private"
    annotation.save()

    page.click("#annotation-dialog button[type=submit]")
    page.locator(".annotation-form__errors", has_text="changed elsewhere").wait_for()
    assert page.input_value("#annotation-note") == "My edit in this tab"
    annotation.refresh_from_db()
    assert (annotation.note, annotation.visibility) == ("First thoughts", "private")
    # Saving again, knowingly, sends the note alone: the other tab's change stays.
    page.click("#annotation-dialog button[type=submit]")
    page.locator(".annotation-panel__note", has_text="My edit in this tab").wait_for()
    annotation.refresh_from_db()
    assert (annotation.note, annotation.visibility) == ("My edit in this tab", "private")


# The Content-Security-Policy in a real browser: Chromium reports each refusal as a
# `securitypolicyviolation` event and a console error. Driving the reader through
# annotating sets element.style from script, which the policy allows.
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def refusals(page):
    """What the policy refused: events on the current document, console errors on any."""
    page.context.add_init_script(WATCH_VIOLATIONS)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    def seen() -> list[str]:
        reported = page.evaluate("() => window.cspViolations")
        return reported + [error for error in errors if "Content Security Policy" in error]

    return seen


def test_the_policy_is_enforced_and_watched(page, refusals):
    """A control: an inline style is refused and seen, so silence below means something."""
    page.goto("/")
    page.evaluate(
        "() => document.body.insertAdjacentHTML('beforeend', '<b style=\"color:red\">x</b>')"
    )
    page.wait_for_function("() => window.cspViolations.length > 0")
    assert any("style-src" in refusal for refusal in refusals())


def test_the_reader_runs_under_the_policy(page, refusals, users):
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


def test_a_permalink_opens_the_reader_on_its_highlight(page, users):
    from archive.models import Article

    Article.objects.filter(slug=NEW_LABOUR).update(original_url="https://example.com/rise")
    noted = annotate(users.owner, "prawn cocktail", note="Permanent.", visibility="shared")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "other", "other-pass-123", "/annotations/")
    page.goto(f"/a/{noted.uid}/")
    page.wait_for_url(re.compile(rf"/articles/{NEW_LABOUR}/\?annotation={noted.pk}$"))
    card = page.locator(f".annotation-popover .annotation-card[data-annotation='{noted.pk}']")
    card.wait_for()
    # On a phone too, the card opens where the reader can see it, by its highlight.
    box = card.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    links = card.locator(".annotation-card__links a")
    assert links.nth(0).inner_text() == "Permalink"
    assert links.nth(0).get_attribute("href").endswith(f"/a/{noted.uid}/")
    original = links.nth(1).get_attribute("href")
    assert original == noted.original_passage_url()
    assert (
        original.startswith("https://example.com/rise#:~:text=") and "prawn%20cocktail" in original
    )


def _fragment_scrolls_to(page, url: str, paragraph_id: int, wait_ms: int = 5_000) -> bool:
    page.goto("about:blank")
    page.goto(url)
    try:
        page.wait_for_function("() => window.scrollY > 0", timeout=wait_ms)
    except PlaywrightTimeout:
        return False
    box = page.locator(f"#p-{paragraph_id}").bounding_box()
    return 0 <= box["y"] < 600


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("New Labour as such is dead", None),  # one paragraph, spelled out
        ("Yet some of the core social", "Fundamental rethinking is needed"),  # two paragraphs
        ("fundamental error to allow the", None),  # hyphens and commas in its context
    ],
)
def test_a_text_fragment_link_scrolls_a_browser_to_the_passage(page, live_server, first, last):
    """The link to the original, followed in Chromium: the reader's own page stands in
    for the original, and the browser must find the passage the link names (and not
    scroll for a passage that is not there)."""
    from annotations.fragments import Passage, link

    start = Paragraph.objects.get(text__contains=first)
    end = Paragraph.objects.get(text__contains=last) if last else start
    at = start.text.index(first)
    until = end.text.index(last) + len(last) if last else at + len(first)
    passage = Passage(start.text, at, end.text, until, one_paragraph=start.pk == end.pk)
    page.set_viewport_size({"width": 800, "height": 600})
    article = f"{live_server.url}/articles/{NEW_LABOUR}/"
    assert _fragment_scrolls_to(page, link(article, passage), start.pk)
    nowhere = Passage("No such words here", 0, "No such words here", 18, True)
    assert not _fragment_scrolls_to(page, link(article, nowhere), start.pk, wait_ms=1_500)
