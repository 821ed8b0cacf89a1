"""Word files: a Nexis Uni export of five articles (tests/archive/conftest.py) read field
by field and ingested, and a Word document that is one article."""

import io
from datetime import date

import docx
import pytest
from django.core.management import call_command

from archive import readers
from archive.models import Article
from archive.readers.bylines import author_from_byline
from archive.readers.nexis import parse_date_line
from tests.archive.conftest import ARTICLES, TITLES, label, nexis_article

COPYRIGHT = "Copyright 2017 {} All Rights Reserved"
COVER = (
    "cover page, 48 lines: Date and Time: Monday, March 27, 2017 9:14:00 AM EDT | "
    "Job Number: 43210987 | Documents (5) …"
)
EXPECTED = [
    {
        "title": TITLES[0],
        "publication": "The Guardian (London)",
        "issue_date": date(2017, 3, 23),
        "author": "Mary Major and Richard Miles",
        "standfirst": "",
        "sections": [(None, None)],
        "paragraphs": 3,
        "first": "The prime minister will begin the process of leaving the EU next Wednesday.",
        "last": "Opposition parties said parliament must have a meaningful vote on the deal.",
        "dropped": [
            COVER,
            COPYRIGHT.format("The Guardian (London)"),
            "Section: POLITICS; Version:2",
            "Length: 534 words",
            "STEFAN ROUSSEAU/PA WIRE",
            "Classification",
            "Language: ENGLISH",
            "Publication-Type: Web Publication",
            "Subject: EUROPEAN UNION (92%); REFERENDUMS (78%)",
            "Geographic: LONDON, ENGLAND (79%)",
            "Load-Date: March 24, 2017",
        ],
    },
    {
        "title": TITLES[1],
        "publication": "The Times (London)",
        "issue_date": date(2017, 3, 14),
        "author": "Ann Other",
        "standfirst": "A vote before Brexit is completed, says Holyrood's leader",
        "sections": [(None, None)],
        "paragraphs": 3,
        "first": "The first minister will ask for the power to hold a second referendum.",
        "last": "Downing Street said now was not the time.",
        "dropped": [
            "Edition 1; Scotland",
            COPYRIGHT.format("The Times (London)"),
            "Section: NEWS; Pg. 1",
            "Length: 801 words",
            "Byline: Ann Other, Scottish Political Editor",
            "Load-Date: March 14, 2017",
        ],
    },
    {
        "title": TITLES[2],
        "publication": "The Washington Post",
        "issue_date": date(2017, 4, 7),
        "author": "Jane Roe",
        "standfirst": "",
        "sections": [(None, None)],
        "paragraphs": 2,
        "first": "The Senate confirmed the nominee on Friday by 54 votes to 45.",
        "last": "Republicans changed the chamber's rules to end the filibuster.",
        "dropped": [
            COPYRIGHT.format("The Washington Post"),
            "Section: A-SECTION; Pg. A01",
            "Length: 1130 words",
            "Byline: Jane Roe Political Editor",
            "Dateline: WASHINGTON",
            "Graphic",
            "PHOTO: The Capitol at dusk on Thursday.",
            "Load-Date: April 8, 2017",
        ],
    },
    {
        "title": TITLES[3],
        "publication": "New Statesman",
        "issue_date": date(2017, 3, 31),
        "author": "",
        "standfirst": "",
        "sections": [(None, None)],
        "paragraphs": 3,
        "first": "Britain invests less than any other G7 economy.",
        "last": "A national bank would lend where private banks will not.",
        "dropped": [
            COPYRIGHT.format("New Statesman"),
            "Section: LEADER; Pg. 3",
            "Length: 640 words",
            "Notes: This leader appeared in the print edition.",
            "Load-Date: April 3, 2017",
        ],
    },
    {
        "title": TITLES[4],
        "publication": "The Independent (United Kingdom)",
        "issue_date": date(2017, 3, 8),
        "author": "Ben Doe",
        "standfirst": "",
        "sections": [(None, None), (None, "Taxes"), (2, "Spending")],
        "paragraphs": 4,
        "first": "The chancellor delivered the last spring Budget on Wednesday.",
        "last": "Social care gets two billion pounds over three years.",
        "dropped": [
            COPYRIGHT.format("The Independent (United Kingdom)"),
            "Section: NEWS; Version:3",
            "Length: 980 words",
            "Byline: By Ben Doe Economics Editor",
            "Load-Date: March 9, 2017",
        ],
    },
]


def read(path):
    return list(readers.reader_for(path).open(path).articles(None))


def test_a_word_file_is_read_by_the_docx_reader(tmp_path):
    assert readers.reader_for(tmp_path / "Export.DOCX").name == "docx"
    assert ".docx" in readers.extensions()


def test_a_nexis_export_gives_each_article_whole(nexis_export):
    articles = read(nexis_export)
    assert [article.order for article in articles] == [0, 1, 2, 3, 4]
    for article, expected in zip(articles, EXPECTED, strict=True):
        paragraphs = [p.text for p in article.paragraphs]
        found = {
            "title": article.title,
            "publication": article.publication,
            "issue_date": article.issue_date,
            "author": article.author,
            "standfirst": article.standfirst,
            "sections": [(s.number, s.title) for s in article.sections],
            "paragraphs": len(paragraphs),
            "first": paragraphs[0],
            "last": paragraphs[-1],
            "dropped": article.dropped,
        }
        assert found == expected
        assert article.warnings == []


def test_markup_in_a_nexis_body_is_text(nexis_export):
    text = read(nexis_export)[3].paragraphs[1].text
    assert text == "<b>Not bold</b> & *not emphasised*: the text is as written."


def test_the_export_is_told_out_article_by_article_for_a_progress_bar(nexis_export):
    reading = readers.reader_for(nexis_export).open(nexis_export)
    told = []
    assert len(list(reading.articles(told.append))) == 5
    assert len(told) == 5
    assert sum(told) == nexis_export.stat().st_size


def test_a_date_line_that_cannot_be_read_is_warned_of(write_docx):
    items = [
        *nexis_article(
            "Spring statement",
            "Prospect",
            "Spring 2017",
            labels=[label("Length", "200 words")],
            body=["A quarterly's issue has no day."],
            after_body=[],
        ),
        *nexis_article(
            "A day that never was",
            "The Times (London)",
            "February 30, 2017 Thursday",
            labels=[label("Length", "100 words")],
            body=["Text."],
            after_body=[],
        ),
    ]
    spring, never = read(write_docx("undated.docx", items))
    assert spring.issue_date is None and never.issue_date is None
    assert spring.publication == "Prospect"
    assert "cannot read the date line 'Spring 2017'" in spring.warnings[0]
    assert "cannot read the date line 'February 30, 2017 Thursday'" in never.warnings[0]
    assert spring.paragraphs[0].text == "A quarterly's issue has no day."


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("March 23, 2017 Thursday", date(2017, 3, 23)),
        ("March 23, 2017", date(2017, 3, 23)),
        ("March 23, 2017 Thursday 10:21 PM GMT", date(2017, 3, 23)),
        ("July 1, 2019 Monday 9:20 AM GMT", date(2019, 7, 1)),
        ("Thursday, March 23, 2017", date(2017, 3, 23)),
        ("Sept. 5, 2017", date(2017, 9, 5)),
        ("23 March 2017 Thursday", date(2017, 3, 23)),
        ("3/4/2017", None),  # which is the month? Nexis never writes it so
        ("March 2017", date(2017, 3, 1)),
        ("Spring 2017", None),
        ("February 30, 2017", None),
    ],
)
def test_date_lines(line, day):
    assert parse_date_line(line) == day


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("Jane Roe", "Jane Roe"),
        ("By Jane Roe", "Jane Roe"),
        ("Jane Roe Political Editor", "Jane Roe"),
        ("JANE ROE, POLITICAL EDITOR", "JANE ROE"),
        ("Jane Roe Deputy political editor", "Jane Roe"),
        ("Jane Roe Brexit correspondent", "Jane Roe"),
        ("Jane Roe in Brussels", "Jane Roe"),
        ("Jane Roe (now), John Doe (earlier)", "Jane Roe and John Doe"),
        ("J. M. ROE / JOHN DOE", "J. M. ROE and JOHN DOE"),
        ("Jane Roe, John Doe and Ann Other", "Jane Roe, John Doe and Ann Other"),
        ("Ludwig van Roe", "Ludwig van Roe"),
        # Naming no one, a byline is kept as written rather than guessed at.
        ("Letters", "Letters"),
        ("Guardian staff and agencies", "Guardian staff and agencies"),
        ("Staff Reporter", "Staff Reporter"),
        ("Roe, Jane", "Roe, Jane"),
        ("Jane Roe at the party conference", "Jane Roe at the party conference"),
    ],
)
def test_bylines(byline, author):
    assert author_from_byline(byline) == author


def test_a_word_document_without_nexis_markers_is_one_article(write_docx):
    path = write_docx(
        "essay.docx",
        [
            "DRAFT",
            ("On a tightrope", "Title"),
            ("The coalition's first year", "Subtitle"),
            "",
            "An opening paragraph   with\tspaces.",
            ("The Bus", "Heading 1"),
            "On the bus.",
            ("2. The Conference", "Heading 2"),
            ("A minor heading", "Heading 4"),
            [["Seats", "Votes"], ["306", "10.7m"]],
            "NAME/AGENCY/GETTY IMAGES",
            ("The HQ", "Heading 3"),
            "In the HQ.\nA second line.",
        ],
    )
    (article,) = read(path)
    assert (article.title, article.standfirst, article.order) == (
        "On a tightrope",
        "The coalition's first year",
        0,
    )
    assert (article.author, article.publication, article.issue_date) == ("", "", None)
    assert [(s.number, s.title, [p.text for p in s.paragraphs]) for s in article.sections] == [
        (None, None, ["An opening paragraph with spaces."]),
        (None, "The Bus", ["On the bus."]),
        (2, "The Conference", ["A minor heading", "Seats", "Votes", "306", "10.7m"]),
        (None, "The HQ", ["In the HQ.", "A second line."]),
    ]
    assert article.dropped == ["DRAFT", "NAME/AGENCY/GETTY IMAGES"]


def test_a_merged_cell_is_read_once(tmp_path):
    document = docx.Document()
    document.add_paragraph("Results")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Seats won"
    table.cell(1, 0).text, table.cell(1, 1).text = "Labour", "262"
    document.save(tmp_path / "merged.docx")
    (article,) = read(tmp_path / "merged.docx")
    assert [p.text for p in article.paragraphs] == ["Seats won", "Labour", "262"]


def test_an_export_cut_short_keeps_its_last_article(write_docx):
    last = nexis_article(
        "Cut short",
        "The Times (London)",
        "May 2, 2017 Tuesday",
        labels=[label("Length", "90 words")],
        body=["The download stopped here."],
        after_body=[],
    )
    end = last.index("\nEnd of Document")
    items = ARTICLES[1] + last[:end]
    assert [a.title for a in read(write_docx("cut.docx", items))] == [TITLES[1], "Cut short"]


def test_an_article_without_a_body_line_is_read_with_a_warning(write_docx):
    article = nexis_article(
        "No marker",
        "The Times (London)",
        "May 2, 2017 Tuesday",
        labels=[label("Length", "90 words"), label("Byline", "Jane Roe")],
        body=["The text, straight after the labels."],
        after_body=[label("Load-Date", "May 3, 2017")],
    )
    article.remove("Body")
    (found,) = read(write_docx("no-body.docx", article))
    assert (found.title, found.author, found.issue_date) == (
        "No marker",
        "Jane Roe",
        date(2017, 5, 2),
    )
    assert [p.text for p in found.paragraphs] == ["The text, straight after the labels."]
    assert "no 'Body' line" in found.warnings[0]


def test_without_a_title_style_the_first_paragraph_is_the_title(write_docx):
    (article,) = read(write_docx("plain.docx", ["", "  A plain title ", "Its text."]))
    assert article.title == "A plain title"
    assert [p.text for p in article.paragraphs] == ["Its text."]


# The command, end to end.


def run(*args) -> str:
    out = io.StringIO()
    call_command("ingest", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_ingest_stores_the_five_articles_and_again_changes_nothing(nexis_export):
    out = run("--dry-run", nexis_export)
    assert "nexis.docx (docx): 5 articles" in out
    assert f"  5. {TITLES[4]}" in out
    assert "     author: Jane Roe" in out
    assert "     date: 2017-04-07" in out
    assert "     publication: The Washington Post" in out
    assert "     sections: Taxes; 2. Spending" in out
    assert "     dropped: Load-Date: March 9, 2017" in out
    assert Article.objects.count() == 0

    out = run(nexis_export)
    assert "Articles: 5 created, 0 updated, 0 unchanged" in out
    assert "Paragraphs: 15 created, 0 updated, 0 unchanged" in out
    stored = list(Article.objects.order_by("order"))
    assert [a.title for a in stored] == TITLES
    assert [a.author for a in stored] == [e["author"] for e in EXPECTED]
    assert stored[1].standfirst == EXPECTED[1]["standfirst"]
    ids = [a.pk for a in stored]

    out = run(nexis_export)
    assert "Articles: 0 created, 0 updated, 5 unchanged" in out
    assert "Paragraphs: 0 created, 0 updated, 15 unchanged" in out
    assert [a.pk for a in Article.objects.order_by("order")] == ids


def test_a_newspaper_is_cited_as_one(write_docx, db):
    """`Publication-Type: Newspaper` makes the article a newspaper's, for its references."""
    items = [
        item
        for title, kind in [("A newspaper's", "Newspaper"), ("A website's", "Web Publication")]
        for item in nexis_article(
            title,
            "The Times (London)",
            "March 14, 2017 Tuesday",
            labels=[label("Length", "100 words")],
            body=["Text."],
            after_body=[
                "Classification",
                "",
                label("\nPublication-Type", kind),
                label("\nLoad-Date", "March 15, 2017"),
            ],
        )
    ]
    path = write_docx("types.docx", items)
    assert [a.publication_type for a in read(path)] == ["newspaper", ""]
    call_command("ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    types = dict(Article.objects.values_list("title", "publication_type"))
    assert types == {"A newspaper's": "newspaper", "A website's": "magazine"}
