"""Saved web pages (archive/readers/html.py): the article trafilatura finds in a page,
as the parser's ParsedArticle, with the parser's guarantees: markup in text is text,
furniture is dropped. Files that cannot be read, and ingest: test_reader_html_files.py."""

from datetime import date

import pytest

from archive import readers
from archive.parsing import ParsedArticle
from tests.archive.html_pages import HOSTILE, LEDGER, NOTES, PROSE, REVIEW, page, read


def everything(article: ParsedArticle) -> str:
    """All the text an article holds, to show what is not in it."""
    parts = [article.title, article.standfirst, article.author, article.publication]
    for section in article.sections:
        parts += [section.title or "", *(p.text for p in section.paragraphs)]
    return "\n".join(parts)


def sections(article: ParsedArticle) -> list[tuple[int | None, str | None, int]]:
    return [(s.number, s.title, len(s.paragraphs)) for s in article.sections]


def test_html_and_htm_are_read_as_web_pages(tmp_path):
    assert readers.reader_for(tmp_path / "a.html").name == "html"
    assert readers.reader_for(tmp_path / "a.HTM").name == "html"
    assert {".html", ".htm"} <= readers.extensions()


def test_a_news_page_with_a_byline_and_a_time_element():
    article = read(LEDGER)
    assert article.title == "Councils brace for a winter of cuts"
    assert article.author == "Jane Roe"  # "By Jane Roe, political editor"
    assert article.issue_date == date(2024, 3, 14)
    assert article.publication == "The Northern Ledger"
    assert article.original_url == (
        "https://www.northernledger.co.uk/politics/2024/mar/14/councils-brace-for-a-winter-of-cuts"
    )
    # The page shows its description as the standfirst: it is that, not a paragraph.
    assert article.standfirst == (
        "Finance officers warn that one council in five may have to declare itself unable "
        "to balance its books before the next election."
    )
    assert sections(article) == [
        (None, None, 2),
        (1, "A widening gap", 2),
        (2, "What ministers say", 2),
    ]
    paragraphs = [p.text for p in article.paragraphs]
    assert paragraphs[0] == (
        "When the finance committee of a mid-sized northern borough met on Tuesday evening, the "
        "first item on the agenda was not a budget line but a question: how long could the "
        "council keep paying for the things it is legally obliged to provide?"
    )
    assert paragraphs[-1] == (
        "Opposition spokespeople argue that the one-year settlements themselves are part of the "
        "problem, leaving finance officers to guess at their income while their costs rise with "
        "demand. The Local Government Association has asked for a meeting with the chancellor "
        "before the spring statement."
    )
    assert article.dropped == ["comments (4)"]
    assert article.warnings == []
    text = everything(article)
    for furniture in [
        "cookies",  # the banner
        "Subscribe",
        "Sport",  # the navigation
        "Advertisement",
        "Birmingham commissioners",  # related articles
        "Rail strike",  # most read
        "Where is the money going",  # a comment
        "oldtownreader",  # a commenter
        "Share this article",
        "All rights reserved",
    ]:
        assert furniture not in text


def test_a_magazine_page_with_meta_author_and_published_time():
    article = read(REVIEW)
    assert article.title == "The quiet return of the industrial strategy"
    assert article.author == "Amir Khan"
    assert article.issue_date == date(2023, 11, 2)  # published, not modified (3 November)
    assert article.publication == "Westminster Review"
    assert article.original_url == (
        "https://westminsterreview.org/economy/the-quiet-return-of-the-industrial-strategy/"
    )
    assert article.standfirst == (
        "Both main parties now talk about picking winners. Neither wants to call it that."
    )
    assert sections(article) == [
        (None, None, 2),
        (1, "The politics of picking winners", 2),
        (2, "Lessons from the last attempt", 2),
    ]
    paragraphs = [p.text for p in article.paragraphs]
    assert paragraphs[0].startswith("For most of the last forty years, the phrase “industrial")
    assert paragraphs[-1] == (
        "If the next strategy is to last longer than its predecessor, it will need something "
        "British policy has rarely had: a commitment that survives a change of chancellor."
    )
    assert article.dropped == ["comments (7)"]
    text = everything(article)
    for furniture in [
        "Log in",
        "Podcasts",
        "Advertisement",
        "newsletter",
        "Sign up",
        "You might also like",
        "Why productivity stalled",
        "polite word for subsidies",  # a comment
        "Leave a Reply",
        "economics editor of Westminster Review",  # the author box
        "Review Media Ltd",
        "dataLayer",
    ]:
        assert furniture not in text


def test_a_newsletter_page_with_json_ld():
    article = read(NOTES)
    assert article.title == "What the boundary review means for marginal seats"
    assert article.author == "Helen Okafor"
    assert article.issue_date == date(2022, 6, 30)
    assert article.publication == "Policy Notes"
    assert article.original_url == "https://policynotes.uk/p/what-the-boundary-review-means"
    # Its subtitle, an <h3> above the text, is the standfirst and opens no section.
    assert article.standfirst == (
        "New constituency lines will move hundreds of thousands of voters. "
        "We looked at where it matters."
    )
    assert sections(article) == [
        (None, None, 2),
        (1, "Where the lines move", 1),
        (2, "The arithmetic of notional results", 2),
        (3, "Who gains", 1),
    ]
    paragraphs = [p.text for p in article.paragraphs]
    assert paragraphs[0].startswith("Every few years the boundary commissions redraw the map")
    assert paragraphs[-1] == (
        "The net effect is modest but not trivial. Seats move from slower-growing regions to "
        "faster-growing ones, and the party strongest in the growing suburbs gains a handful of "
        "notional seats. In a close election, a handful may be enough."
    )
    assert article.dropped == ["comments (3)"]
    text = everything(article)
    for furniture in [
        "cookies",
        "Archive",
        "Tweet",
        "reader-supported",  # the subscription box
        "128 likes",
        "The postal vote question",
        "My seat disappears",  # a comment
        "Start writing",
        "6 min read",
    ]:
        assert furniture not in text


def test_markup_in_a_page_is_text_and_scripts_are_gone():
    article = read(HOSTILE)
    assert article.title == "Why bold claims need <evidence>"
    assert [p.text for p in article.paragraphs] == [
        "The first paragraph has bold words, italic ones and a link that goes nowhere, all of "
        "which should read as plain words in the archive.",
        "A script sits in the middle of this sentence and must not survive as text or as markup, "
        "while an image leaves nothing behind.",
        # Escaped in the page, so words in it: they stay, as text.
        "This paragraph talks about markup: the tag <script>alert(5)</script> and the element <b> "
        "are words here, quoted from a court judgment about a hacked council website.",
        "The last paragraph ends the article, with irregular spacing and a line break inside it, "
        "and a no-break space.",
    ]
    assert sections(article) == [(None, None, 3), (1, "A heading with emphasis & an ampersand", 1)]
    assert article.original_url == ""  # a javascript: canonical is no address
    assert article.issue_date is None
    assert (article.author, article.publication, article.standfirst) == ("", "", "")
    text = everything(article)
    for hostile in ["alert(1)", "alert(4)", "onerror", "Injected", "styled", "First!", "Menu"]:
        assert hostile not in text


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("By Jane Roe", "Jane Roe"),
        ("By Jane Roe, political editor", "Jane Roe"),
        ("By Jane Roe and John Doe", "Jane Roe and John Doe"),
    ],
)
def test_a_byline_is_the_names_without_by_or_a_role(write_file, byline, author):
    text = LEDGER.read_text(encoding="utf-8").replace(
        'By <a rel="author" href="/profile/jane-roe">Jane Roe</a>, political editor', byline
    )
    assert read(write_file("page.html", text)).author == author


@pytest.mark.parametrize(
    ("meta", "author"),
    [
        ("Roe, Jane", "Roe, Jane"),  # a sorted name stays one name
        ("Jane Roe | Westminster Review", "Jane Roe"),  # the publication is no author
        ("Jane Roe, Westminster Correspondent", "Jane Roe"),
    ],
)
def test_a_meta_author_is_the_names(write_file, meta, author):
    text = REVIEW.read_text(encoding="utf-8").replace('content="Amir Khan"', f'content="{meta}"')
    assert read(write_file("page.html", text)).author == author


def test_lists_quotations_and_line_breaks_are_paragraphs_of_plain_words(write_file):
    body = (
        f"<p>{PROSE}</p>"
        "<ul><li>First point, with <b>bold</b> words.</li>"
        "<li>Second point<ul><li>a sub-point</li></ul></li></ul>"
        "<blockquote><p>Quoted one.</p><p>Quoted two.</p></blockquote>"
        "<blockquote>A bare quotation<br>over two lines.</blockquote>"
        "<h4>A minor heading</h4>"
        f"<p>Line one<br>line two. {PROSE}</p>"
    )
    article = read(write_file("blocks.html", page(body)))
    assert sections(article) == [(None, None, 8)]  # only <h2> and <h3> open sections
    assert [p.text for p in article.paragraphs] == [
        PROSE,
        "First point, with bold words.",
        "Second point a sub-point",
        "Quoted one.",
        "Quoted two.",
        "A bare quotation over two lines.",
        "A minor heading",
        f"Line one line two. {PROSE}",
    ]


def test_a_description_that_only_opens_the_text_is_no_standfirst(write_file):
    head = f'<title>Excerpt</title><meta name="description" content="{PROSE[:40]}...">'
    article = read(write_file("excerpt.html", page(f"<p>{PROSE}</p>", head)))
    assert article.standfirst == ""
    assert [p.text for p in article.paragraphs] == [PROSE]


def test_a_table_is_left_out_and_noted(write_file):
    table = "<table><tr><td>Labour</td><td>412</td></tr><tr><td>Other</td><td>238</td></tr></table>"
    article = read(write_file("table.html", page(f"<p>{PROSE}</p>{table}<p>{PROSE} Two.</p>")))
    assert [p.text for p in article.paragraphs] == [PROSE, f"{PROSE} Two."]
    assert article.dropped == ["a table (2 rows)"]


def test_a_page_without_a_title_is_named_after_its_file(write_file):
    article = read(write_file("untitled-page.html", page(f"<p>{PROSE}</p>", head="")))
    assert article.title == "untitled-page"
    assert article.warnings == ["the page has no title: it is named after its file"]
