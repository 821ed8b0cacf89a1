"""Word files: a Nexis Uni export of five articles read field by field, a Word document
that is one article, and files that must be refused before python-docx inflates them."""

import io
import struct
import time
import tracemalloc
import zipfile
from datetime import date

import docx
import pytest
from django.core.management import call_command

from archive import readers
from archive.models import Article
from archive.parsing import ParseError
from archive.readers import docx as docx_reader
from archive.readers.bylines import author_from_byline
from archive.readers.nexis import parse_date_line

NBSP = "\xa0"  # what Nexis puts after a label's colon
SPREADSHEET_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
SPREADSHEET_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
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


@pytest.fixture
def nexis_export(write_docx):
    """A Nexis Uni export of five articles, a cover page before them."""
    items = cover_page(TITLES)
    for article in ARTICLES:
        items += article
    return write_docx("nexis.docx", items)


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


# Files that are refused, each with a one-line reason, before anything is written.


def refused(path) -> str:
    with pytest.raises(ParseError) as error:
        readers.reader_for(path).open(path)
    assert "\n" not in str(error.value)
    return str(error.value)


def test_a_zip_bomb_is_refused_without_being_inflated(tmp_path, monkeypatch):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            zeros = bytes(1 << 20)
            for _ in range(150):  # 150 MB of zeros, 150 kB on disk
                part.write(zeros)
    assert path.stat().st_size < 1 << 20

    def inflate(*args, **kwargs):
        raise AssertionError("a part was inflated")

    monkeypatch.setattr(zipfile.ZipFile, "open", inflate)
    started = time.perf_counter()
    reason = refused(path)
    assert time.perf_counter() - started < 2
    assert "a zip bomb" in reason and "word/document.xml" in reason


def declare_size(path, name: str, size: int) -> None:
    """Make the zip's directory and the part's own header lie about its inflated size."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        struct.pack_into("<I", data, archive.getinfo(name).header_offset + 22, size)
    entry = struct.unpack_from("<I", data, data.rfind(b"PK\x05\x06") + 16)[0]
    while data[entry + 46 : entry + 46 + len(name)] != name.encode():
        lengths = struct.unpack_from("<3H", data, entry + 28)  # name, extra, comment
        entry += 46 + sum(lengths)
    struct.pack_into("<I", data, entry + 24, size)
    path.write_bytes(bytes(data))


def test_a_part_that_inflates_past_what_its_directory_says_is_cut_off(write_docx, tmp_path):
    """Asked for a part whole, zipfile would inflate all of it before cutting it off at the
    declared size: 64 MB here, behind a directory that says 2 kB."""
    whole = zipfile.ZipFile(write_docx("honest.docx", ["Title", "Text."]))
    path = tmp_path / "lying.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as lying:
        for info in whole.infolist():
            data = whole.read(info.filename)
            if info.filename == "word/document.xml":
                data += b" " * (64 << 20)  # whitespace after the root: still well formed
            lying.writestr(info.filename, data)
    declare_size(path, "word/document.xml", 2048)
    tracemalloc.start()
    try:
        reason = refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reason == "not a Word file that can be read: Bad CRC-32 for file 'word/document.xml'"
    assert peak < 8 << 20


def test_parts_that_would_inflate_past_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED_BYTES", 1 << 20)
    path = tmp_path / "large.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(3):
            archive.writestr(f"word/media/image{number}.bin", bytes(500_000))
    assert "once inflated (more than 1 MB): a zip bomb" in refused(path)


def test_a_zip_of_too_many_parts_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_PARTS", 5)
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(6):
            archive.writestr(f"part{number}.xml", "<x/>")
    assert refused(path) == "a zip of 6 parts (more than 5): not a Word file"


def test_a_part_whose_name_climbs_out_is_refused(write_docx):
    path = write_docx("escape.docx", ["Title", "Text."])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../../outside.xml", "<x/>")
    assert refused(path) == "a part named '../../outside.xml' points outside the document: not read"


def test_a_text_file_named_docx_is_refused(write_file):
    path = write_file("renamed.docx", "Title\n\nThis was never a Word file.\n")
    assert refused(path) == "not a Word file (.docx): not a zip archive"


def test_an_old_word_file_named_docx_is_refused(write_file):
    path = write_file("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert refused(path).startswith("an old Word file (.doc) or one saved with a password")


def test_a_zip_that_is_no_word_document_is_refused(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    assert refused(path).startswith("not a Word file that can be read:")


def test_a_spreadsheet_named_docx_is_refused(tmp_path):
    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", SPREADSHEET_TYPES)
        archive.writestr("_rels/.rels", SPREADSHEET_RELS)
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert refused(path).endswith("spreadsheetml.sheet.main+xml, not a document")


def test_a_damaged_document_is_refused(write_docx, tmp_path):
    whole = zipfile.ZipFile(write_docx("whole.docx", ["Title", "Text."]))
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(path, "w") as damaged:
        for info in whole.infolist():
            data = whole.read(info.filename)
            damaged.writestr(
                info, data[: len(data) // 2] if info.filename == "word/document.xml" else data
            )
    assert refused(path).startswith("not a Word file that can be read:")


def test_a_file_over_the_size_limit_is_refused(write_file, monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_FILE_BYTES", 1 << 20)
    path = write_file("big.docx", bytes(2 << 20))
    assert refused(path) == "2.0 MB: larger than the 1 MB a Word file may be"


def test_an_empty_document_is_refused(write_docx):
    assert refused(write_docx("empty.docx", ["", "  ", "\n"])) == "no text in the document"


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
