"""The parser alone: plain Python, text in, articles out."""

import io
from datetime import date

import pytest

from archive import parsing
from archive.parsing import CORRECTION, ParseError, parse_text
from archive.readers.encoding import detect_encoding
from archive.readers.text import read_articles
from tests.conftest import CORPUS, article_text

FOOTER_2010 = (
    "This article first appeared in the 17 May 2010 issue of the New Statesman, On a tightrope"
)


@pytest.fixture
def corpus_articles(corpus_text):
    return parse_text(corpus_text)


def test_corpus_holds_two_articles(corpus_articles):
    assert [a.title for a in corpus_articles] == [
        "The rise and fall of New Labour",
        "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam",
    ]
    assert [a.order for a in corpus_articles] == [0, 1]


def test_corpus_first_article_metadata(corpus_articles):
    article = corpus_articles[0]
    assert article.author == "Anthony Giddens"
    assert article.author_bio == (
        "Anthony Giddens is a former director of the London School of Economics and a Labour peer."
    )
    assert article.standfirst.startswith("The architect of the Third Way argues")
    assert (article.publication, article.issue_date, article.issue_title) == (
        "New Statesman",
        date(2010, 5, 17),
        "On a tightrope",
    )
    assert [(s.number, s.title) for s in article.sections] == [(None, None)]
    assert len(article.paragraphs) == 25
    assert article.paragraphs[0].text.startswith("The era of Labour hegemony is over.")
    # The bio is metadata, not a paragraph.
    assert all("is a former director" not in p.text for p in article.paragraphs)


def test_corpus_second_article_sections_and_correction(corpus_articles):
    article = corpus_articles[1]
    assert [(s.number, s.title) for s in article.sections] == [
        (1, "The Bus"),
        (2, "The Conference"),
        (3, "The HQ"),
        (4, "The Fallout"),
    ]
    assert (article.issue_date, article.issue_title) == (
        date(2017, 3, 23),
        "Trump's permanent revolution",
    )
    assert article.standfirst.startswith("Tom Watson says it is destroying Labour.")
    assert article.author == ""  # it has no bio line, and "Jon Lansman, of course, is" is not one
    corrections = [p for p in article.paragraphs if p.kind == CORRECTION]
    assert [p.text for p in corrections] == [
        "Correction: This article originally named Luke Akehurst as a Labour councillor. "
        "Akehurst stood down in 2014."
    ]
    assert article.paragraphs[-1].kind == CORRECTION


def test_corpus_paragraphs_hold_no_furniture_and_no_blank_lines(corpus_articles):
    for article in corpus_articles:
        for paragraph in article.paragraphs:
            assert "GETTY IMAGES" not in paragraph.text
            assert paragraph.text != "Show Hide image"
            assert "This article first appeared" not in paragraph.text
            assert paragraph.text.strip("\xa0 ") == paragraph.text
            assert paragraph.text


def test_corpus_text_is_kept_exactly(corpus_articles, corpus_text):
    momentum = corpus_articles[1]
    first = momentum.paragraphs[0].text
    assert first.startswith("The bus to the Momentum conference")  # leading U+00A0 stripped
    assert "“Don’t say that on Jezmas!”" in first
    # A no-break space inside a paragraph is kept.
    assert any("a\xa0journalist" in p.text for p in momentum.paragraphs)
    for article in corpus_articles:
        for paragraph in article.paragraphs:
            assert paragraph.text in corpus_text


def test_footer_fields():
    footer = parsing.parse_footer(FOOTER_2010)
    assert footer == {
        "date_text": "17 May 2010",
        "publication": "New Statesman",
        "issue_title": "On a tightrope",
    }
    assert parsing.parse_footer("This article is about the New Statesman") is None


def test_several_articles_split_at_footers():
    text = article_text("First", ["One."], FOOTER_2010) + article_text(
        "Second",
        ["Two."],
        "This article first appeared in the 3 January 2011 issue of the New Statesman, Winter",
    )
    first, second = parse_text(text)
    assert (first.title, second.title) == ("First", "Second")
    assert second.issue_date == date(2011, 1, 3)
    assert second.issue_title == "Winter"
    assert [p.text for p in second.paragraphs] == ["Two."]


def test_title_then_standfirst_then_body():
    (article,) = parse_text(article_text("Title", ["Body one.", "Body two."], FOOTER_2010))
    assert article.title == "Title"
    assert article.standfirst == "A standfirst."
    assert [p.text for p in article.paragraphs] == ["Body one.", "Body two."]


@pytest.mark.parametrize(
    "line",
    ["1. The Bus", "12. What now?", "3. The HQ", "2.  Two spaces"],
)
def test_numbered_heading(line):
    assert parsing.parse_heading(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "1997. It was the year Labour won a landslide, and everything seemed possible.",
        "1. It was the year.",
        "1. the lower-case start of a sentence",
        "2. Then the bus broke down. We waited",
        "1. " + "A very long heading " * 10,
        "No number here",
    ],
)
def test_paragraph_opening_with_a_number_is_not_a_heading(line):
    assert parsing.parse_heading(line) is None


def test_headings_open_sections_and_paragraphs_before_them_get_an_unnumbered_section():
    (article,) = parse_text(
        article_text(
            "Title",
            [
                "Opening paragraph.",
                "1. The Bus",
                "1997. It was the year it all began.",
                "2. The Conference",
                "Conference paragraph.",
            ],
            FOOTER_2010,
        )
    )
    assert [(s.number, s.title, [p.text for p in s.paragraphs]) for s in article.sections] == [
        (None, None, ["Opening paragraph."]),
        (1, "The Bus", ["1997. It was the year it all began."]),
        (2, "The Conference", ["Conference paragraph."]),
    ]


def test_furniture_is_dropped():
    text = "RAY TANGT/ANADOLU AGENCY/GETTY IMAGES\nShow Hide image\n\n" + article_text(
        "Title", ["Body.", "JOHN SMITH/REUTERS", "More body."], FOOTER_2010
    )
    (article,) = parse_text(text)
    assert article.title == "Title"
    assert [p.text for p in article.paragraphs] == ["Body.", "More body."]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("NAME/AGENCY/GETTY IMAGES", True),
        ("show hide image", True),
        ("BBC and ITV/Channel 4 agree", False),
        ("A normal sentence.", False),
        ("TAX/SPEND", True),
        ("1/2", False),
    ],
)
def test_is_furniture(line, expected):
    assert parsing.is_furniture(line) is expected


def test_closing_bio_sets_author():
    (article,) = parse_text(
        article_text(
            "Title",
            ["Body.", "Correction: a fix.", "Jane van der Berg is a political editor."],
            FOOTER_2010,
        )
    )
    assert article.author == "Jane van der Berg"
    assert article.author_bio == "Jane van der Berg is a political editor."
    assert [p.text for p in article.paragraphs] == ["Body.", "Correction: a fix."]


def test_bio_before_a_correction_is_found():
    (article,) = parse_text(
        article_text(
            "Title", ["Body.", "Mary O’Hara writes on politics.", "Correction: a fix."], FOOTER_2010
        )
    )
    assert article.author == "Mary O’Hara"
    assert [p.kind for p in article.paragraphs] == ["body", "correction"]


@pytest.mark.parametrize(
    "last",
    [
        "Jon Lansman, of course, is more interesting.",
        "Labour is in trouble.",
        "It is a strange time for the left, and the party knows it.",
    ],
)
def test_last_paragraph_that_is_not_a_bio(last):
    (article,) = parse_text(article_text("Title", ["Body.", last], FOOTER_2010))
    assert article.author == ""
    assert article.paragraphs[-1].text == last


def test_correction_kind():
    (article,) = parse_text(
        article_text("Title", ["Body.", "Correction: The date was wrong."], FOOTER_2010)
    )
    assert [p.kind for p in article.paragraphs] == ["body", "correction"]


def test_blank_lines_of_spaces_and_no_break_spaces():
    text = "Title\n\xa0\nStandfirst\n   \n\xa0 \xa0\n\xa0Body with nbsp.\xa0\n\t\n" + FOOTER_2010
    (article,) = parse_text(text)
    assert article.standfirst == "Standfirst"
    assert [p.text for p in article.paragraphs] == ["Body with nbsp."]


def test_astral_characters_and_punctuation_are_kept():
    body = "Emoji 🗳️ and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 – “quotes” ‘too’ — dashes…"
    (article,) = parse_text(article_text("Title", [body], FOOTER_2010))
    assert article.paragraphs[0].text == body


def test_markup_is_text():
    body = '<script>alert("x")</script> & <b>bold</b>'
    (article,) = parse_text(article_text("<i>Title</i>", [body], FOOTER_2010))
    assert article.title == "<i>Title</i>"
    assert article.paragraphs[0].text == body


def test_no_footer_is_one_article_titled_by_its_first_line():
    (article,) = parse_text("A plain title\n\nIts standfirst\n\nA paragraph.\n")
    assert article.title == "A plain title"
    assert article.standfirst == "Its standfirst"
    assert [p.text for p in article.paragraphs] == ["A paragraph."]
    assert article.issue_date is None and article.publication == ""


def test_crlf_and_bom_text():
    text = "\ufeffTitle\r\n\r\nStandfirst\r\n\r\nBody.\r\n\r\n" + FOOTER_2010 + "\r\n"
    (article,) = parse_text(text)
    assert article.title == "Title"
    assert [p.text for p in article.paragraphs] == ["Body."]
    assert article.issue_title == "On a tightrope"


def test_unreadable_date_is_a_warning_not_an_error():
    (article,) = parse_text(
        article_text(
            "Title",
            ["Body."],
            "This article first appeared in the Springtime issue of the New Statesman, Spring",
        )
    )
    assert article.issue_date is None
    assert article.publication == "New Statesman"
    assert "cannot read the issue date 'Springtime'" in article.warnings[0]


def test_a_footer_with_nothing_before_it_is_an_error():
    with pytest.raises(ParseError, match="line 1: a footer with no article before it"):
        parse_text(FOOTER_2010 + "\n")


def test_an_over_long_line_is_an_error(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_LINE_CHARS", 50)
    with pytest.raises(ParseError, match="line 3 is longer than 50 characters"):
        parse_text("Title\n\n" + "x" * 51 + "\n")
    assert parse_text("Title\n\n" + "x" * 50 + "\n")[0].standfirst == "x" * 50


def test_content_hash_follows_content():
    one = parse_text(article_text("Title", ["Body."], FOOTER_2010))[0]
    same = parse_text(article_text("Title", ["Body."], FOOTER_2010))[0]
    changed = parse_text(article_text("Title", ["Body!"], FOOTER_2010))[0]
    assert one.content_hash() == same.content_hash() != changed.content_hash()


def test_detect_encoding_utf8_with_and_without_bom():
    assert detect_encoding(io.BytesIO("Café\n".encode())).name == "utf-8-sig"
    assert detect_encoding(io.BytesIO(b"\xef\xbb\xbfCaf\xc3\xa9\n")).warnings == ()


def test_detect_encoding_windows_1252_with_a_warning():
    encoding = detect_encoding(io.BytesIO(b"Caf\xe9 \x93society\x94\n"))
    assert encoding.name == "cp1252"
    assert "Windows-1252" in encoding.warnings[0]
    articles = list(read_articles(io.BytesIO(b"Caf\xe9 \x93society\x94\n"), encoding))
    assert articles[0].title == "Café “society”"


def test_detect_encoding_rejects_binary():
    with pytest.raises(ParseError, match="binary file: it contains NUL bytes"):
        detect_encoding(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    with pytest.raises(ParseError, match="too many control characters"):
        detect_encoding(io.BytesIO(bytes(range(1, 32)) * 10))


def test_detect_encoding_rejects_bytes_undefined_in_both():
    with pytest.raises(ParseError, match=r"neither UTF-8 nor Windows-1252 .*offset 3"):
        detect_encoding(io.BytesIO(b"abc\x81\xe9"))


def test_read_articles_streams_a_file():
    with open(CORPUS, "rb") as stream:
        encoding = detect_encoding(stream)
    with open(CORPUS, "rb") as stream:
        articles = read_articles(stream, encoding)
        first = next(articles)
        assert first.title == "The rise and fall of New Labour"
        assert next(articles).order == 1


# Where an article first appeared --------------------------------------------------------


def test_an_address_after_the_footer_is_the_articles_original():
    text = (
        "A title\n\nA standfirst.\n\nBody.\n\n"
        "This article first appeared in the 17 May 2010 issue of the New Statesman\n"
        "https://www.newstatesman.com/politics/2010/05/rise-and-fall\n\n"
        "Next title\n\nIts standfirst.\n\nSource: https://example.com/next?id=2\n\nBody two.\n"
    )
    first, second = parsing.parse_text(text)
    assert first.original_url == "https://www.newstatesman.com/politics/2010/05/rise-and-fall"
    assert second.original_url == "https://example.com/next?id=2"
    assert [p.text for p in first.paragraphs] == ["Body."]
    assert [p.text for p in second.paragraphs] == ["Body two."]
    assert second.title == "Next title"


def test_an_address_in_a_sentence_or_without_a_host_is_text():
    text = "A title\n\nStandfirst.\n\nSee https://example.com for more.\n\nhttp://localhost\n"
    (article,) = parsing.parse_text(text)
    assert article.original_url == ""
    assert [p.text for p in article.paragraphs] == [
        "See https://example.com for more.",
        "http://localhost",
    ]


def test_the_content_hash_of_an_article_without_an_address_is_unchanged():
    """Digests stored before articles had addresses still match: no spurious updates."""
    (article,) = parsing.parse_text("A title\n\nStandfirst.\n\nBody.\n")
    before = article.content_hash()
    article.original_url = "https://example.com/a"
    assert article.content_hash() != before
