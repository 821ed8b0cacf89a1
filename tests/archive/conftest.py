"""Word files for the readers' tests: written with python-docx into tmp_path, and a Nexis
Uni export of five articles laid out as Nexis writes them (what the tests expect of each
article is in test_reader_docx.py)."""

from pathlib import Path

import docx
import pytest

# A paragraph for write_docx: its text ("\n" is a line break within it, as Nexis puts
# before "End of Document"), or (text, style name), or a table as rows of cell texts.
DocxItem = str | tuple[str, str] | list[list[str]]


@pytest.fixture
def write_docx(tmp_path):
    """Write a Word file, made with python-docx as Word would save it, under tmp_path."""

    def write(name: str, items: list[DocxItem]) -> Path:
        document = docx.Document()
        for item in items:
            if isinstance(item, list):
                table = document.add_table(rows=len(item), cols=len(item[0]))
                for row, texts in zip(table.rows, item, strict=True):
                    for cell, text in zip(row.cells, texts, strict=True):
                        cell.text = text
            elif isinstance(item, tuple):
                document.add_paragraph(item[0], style=item[1])
            else:
                document.add_paragraph(item)
        path = tmp_path / name
        document.save(path)
        return path

    return write


NBSP = "\xa0"  # what Nexis puts after a label's colon
SOURCES = "Sources: The Guardian (London); The Times (London); Content Type: News"


def label(name: str, value: str) -> str:
    return f"{name}:{NBSP}{value}"


def nexis_article(title, publication, date_line, *, labels, body, after_body, editions=()):
    """One article as Nexis Uni lays it out, blank paragraphs and line breaks included."""
    copyright_line = f"Copyright 2017 {publication} All Rights Reserved"
    return [
        *["", "", "\n", title, publication, date_line, *editions, ""],
        f"\n{copyright_line}",
        "\n",
        *labels,
        "Body",
        "",
        "",
        *body,
        *after_body,
        "",
        "\nEnd of Document",
        "",
        "",
    ]


def cover_page(titles: list[str]) -> list:
    items = [
        "",
        "Date and Time: Monday, March 27, 2017 9:14:00 AM EDT",
        "Job Number: 43210987",
        f"Documents ({len(titles)})",
    ]
    for number, title in enumerate(titles, 1):
        items += [
            f"{number}. {title}",
            "Client/Matter: -None-",
            "Search Terms: article 50 OR budget OR senate",
            "Search Type: Natural Language ",
            "Narrowed by: ",
            "",
            [["Content Type", "Narrowed by"], ["News", SOURCES]],
            "",
        ]
    return items


TITLES = [
    "Article 50 letter to be delivered next week",
    "Scotland's first minister asks for a second referendum",
    "Senate confirms Supreme Court nominee after rule change",
    "Leader: The case for a national investment bank",
    "What the Budget means for you",
]
COPYRIGHT = "Copyright 2017 {} All Rights Reserved"

ARTICLES = [
    nexis_article(  # a cover page before it, a photo credit and a classification after
        TITLES[0],
        "The Guardian (London)",
        "March 23, 2017 Thursday",
        labels=[
            label("Section", "POLITICS; Version:2"),
            label("Length", "534 words"),
            label("Byline", "Mary Major and Richard Miles"),
        ],
        body=[
            "The prime minister will begin the process of leaving the EU next Wednesday.",
            "A letter will go to the president of the European council.",
            "STEFAN ROUSSEAU/PA WIRE",
            "Opposition parties said parliament must have a meaningful vote on the deal.",
        ],
        after_body=[
            "Classification",
            "",
            label("Language", "ENGLISH"),
            label("\nPublication-Type", "Web Publication"),
            label("\nSubject", "EUROPEAN UNION (92%); REFERENDUMS (78%)"),
            label("\nGeographic", "LONDON, ENGLAND (79%)"),
            label("\nLoad-Date", "March 24, 2017"),
        ],
    ),
    nexis_article(  # an edition line, a role after a comma, a Highlight
        TITLES[1],
        "The Times (London)",
        "March 14, 2017 Tuesday",
        editions=["Edition 1; Scotland"],
        labels=[
            label("Section", "NEWS; Pg. 1"),
            label("Length", "801 words"),
            label("Byline", "Ann Other, Scottish Political Editor"),
            label("Highlight", "A vote before Brexit is completed, says Holyrood's leader"),
        ],
        body=[
            "The first minister will ask for the power to hold a second referendum.",
            "She said Scotland must be able to choose its own future.",
            "Downing Street said now was not the time.",
        ],
        after_body=[label("\nLoad-Date", "March 14, 2017")],
    ),
    nexis_article(  # a time in its date line, a role with no comma, a Dateline, a Graphic
        TITLES[2],
        "The Washington Post",
        "April 7, 2017 Friday 10:21 PM EST",
        labels=[
            label("Section", "A-SECTION; Pg. A01"),
            label("Length", "1130 words"),
            label("Byline", "Jane Roe Political Editor"),
            label("Dateline", "WASHINGTON "),
        ],
        body=[
            "The Senate confirmed the nominee on Friday by 54 votes to 45.",
            "Republicans changed the chamber's rules to end the filibuster.",
        ],
        after_body=[
            "Graphic",
            "",
            "PHOTO: The Capitol at dusk on Thursday.",
            label("\nLoad-Date", "April 8, 2017"),
        ],
    ),
    nexis_article(  # no byline; markup and odd spacing that are text; Notes
        TITLES[3],
        "New Statesman",
        "March 31, 2017 Friday",
        labels=["Section: LEADER; Pg. 3", "Length: 640 words"],  # ordinary spaces
        body=[
            f"Britain\tinvests  less than{NBSP}any other G7 economy.",
            "<b>Not bold</b> & *not emphasised*: the text is as written.",
            "A national bank would lend where private banks will not.",
        ],
        after_body=[
            "Notes: This leader appeared in the print edition.",
            "Load-Date: April 3, 2017",
        ],
    ),
    nexis_article(  # Word headings inside its body
        TITLES[4],
        "The Independent (United Kingdom)",
        "March 8, 2017 Wednesday 1:04 PM GMT",
        labels=[
            label("Section", "NEWS; Version:3"),
            label("Length", "980 words"),
            label("Byline", "By Ben Doe Economics Editor"),
        ],
        body=[
            "The chancellor delivered the last spring Budget on Wednesday.",
            ("Taxes", "Heading 2"),
            "National insurance for the self-employed will rise.",
            ("2. Spending", "Heading 2"),
            "Schools will get money for new free schools.",
            "Social care gets two billion pounds over three years.",
        ],
        after_body=[label("\nLoad-Date", "March 9, 2017")],
    ),
]


@pytest.fixture
def nexis_export(write_docx):
    """A Nexis Uni export of five articles, a cover page before them."""
    items = cover_page(TITLES)
    for article in ARTICLES:
        items += article
    return write_docx("nexis.docx", items)
