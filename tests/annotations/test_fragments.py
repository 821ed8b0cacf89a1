"""Text-fragment links to a passage in the original page: whole words, context in the
same paragraph, and every term encoded as the Scroll to Text Fragment spec requires."""

from urllib.parse import unquote

import pytest

from annotations.fragments import MAX_EXACT_CHARS, Passage, directive, encode_term, link

PARAGRAPH = "It was, in short, a well-known fact: Labour & the unions - allies, rivals."


def one(text: str, start: int, end: int) -> Passage:
    return Passage(text, start, text, end, one_paragraph=True)


def within(text: str, phrase: str) -> Passage:
    start = text.index(phrase)
    return one(text, start, start + len(phrase))


def terms(text_directive: str) -> list[str]:
    assert text_directive.startswith("text=")
    return [unquote(term) for term in text_directive.removeprefix("text=").split(",")]


@pytest.mark.parametrize(
    ("term", "encoded"),
    [
        ("well-known", "well%2Dknown"),
        ("a, b", "a%2C%20b"),
        ("Labour & co", "Labour%20%26%20co"),
        ("Žižek’s #1 ✊🏽", "%C5%BDi%C5%BEek%E2%80%99s%20%231%20%E2%9C%8A%F0%9F%8F%BD"),
        ("  two\n spaces ", "two%20spaces"),
    ],
)
def test_terms_are_encoded_as_the_spec_requires(term, encoded):
    assert encode_term(term) == encoded


def test_a_short_passage_with_its_context():
    assert terms(directive(within(PARAGRAPH, "well-known fact"))) == [
        "in short, a-",
        "well-known fact",
        "-: Labour &",
    ]
    # The separators are the directive's own: inside terms they are encoded.
    assert "well%2Dknown%20fact" in directive(within(PARAGRAPH, "well-known fact"))


def test_a_passage_cut_inside_words_is_widened_to_whole_words():
    start = PARAGRAPH.index("ell-known")
    passage = one(PARAGRAPH, start, start + len("ell-known fa"))
    assert terms(directive(passage))[1] == "well-known fact"


def test_a_passage_at_the_edges_of_its_paragraph_has_no_context_there():
    assert terms(directive(within(PARAGRAPH, "It was"))) == ["It was", "-, in short,"]
    assert terms(directive(within(PARAGRAPH, "allies, rivals."))) == [
        "the unions --",
        "allies, rivals.",
    ]


def test_a_long_passage_is_named_by_its_first_and_last_words():
    text = " ".join(f"word{n}" for n in range(200))
    passage = within(text, "word10 " + text.split("word10 ", 1)[1].split(" word150")[0])
    assert len(text[passage.start : passage.end]) > MAX_EXACT_CHARS
    assert terms(directive(passage)) == [
        "word7 word8 word9-",
        "word10 word11 word12 word13 word14",
        "word145 word146 word147 word148 word149",
        "-word150 word151 word152",
    ]


def test_a_passage_over_paragraphs_names_its_first_and_last_words():
    first = "The opening paragraph says one thing and then another."
    last = "The closing paragraph ends here, with more after."
    passage = Passage(first, first.index("says"), last, last.index(", with"), False)
    assert terms(directive(passage)) == [
        "The opening paragraph-",
        "says one thing and then",
        "The closing paragraph ends here",
        "-, with more",
    ]


def test_the_link_replaces_the_pages_own_fragment():
    url = link("https://example.com/story?id=1#comments", within(PARAGRAPH, "Labour"))
    assert url.startswith("https://example.com/story?id=1#:~:text=")
    assert "#comments" not in url


def test_a_passage_without_words_links_to_the_page():
    assert link("https://example.com/a", one("  ", 0, 2)) == "https://example.com/a"
