"""Exports cite a passage as readers cite it (¶6–7 for one that runs on), say whose each
excerpt is when it is not the reader's, and name articles and tags by their names. Each
export is read back with a real parser: csv, json, markdown-it-py, pandoc, python-docx."""

import csv
import io
import json
import subprocess

import docx
import pytest
from django.core.management import call_command
from markdown_it import MarkdownIt

from annotations.anchoring import Passage, Position
from annotations.changes import annotations_changed
from annotations.models import Annotation, article_text
from archive.models import Paragraph
from tests.conftest import NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")
NEW_LABOUR_TITLE = "The rise and fall of New Labour"


def download(client, **query) -> bytes:
    response = client.get("/annotations/export/", query)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def spanning(user, *, visibility="shared", note="") -> Annotation:
    """An annotation from the middle of one paragraph to the middle of the next."""
    first, second = Paragraph.objects.filter(article__slug=NEW_LABOUR).order_by("position")[5:7]
    passage = Passage(Position(first.pk, 10), Position(second.pk, 20))
    annotation = Annotation(
        owner=user, article_id=first.article_id, note=note, visibility=visibility
    )
    annotation.place(passage, article_text(first.article_id))
    annotation.save()
    annotations_changed([annotation])
    return annotation


def blockquotes(markdown: str) -> list[list[str]]:
    """Each blockquote's paragraphs, as text, less the links that close it (its permalink;
    tests/annotations/test_export_ways_back.py reads them)."""
    quotes, inside = [], False
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type == "blockquote_open":
            quotes.append([])
            inside = True
        elif token.type == "blockquote_close":
            inside = False
        elif inside and token.type == "inline":
            quotes[-1].append("".join(c.content for c in token.children if c.type == "text"))
    return [quote[:-1] if quote[-1].startswith("Permalink") else quote for quote in quotes]


def word(content: bytes):
    return docx.Document(io.BytesIO(content))


# Citing a passage that runs on ------------------------------------------------------------


def test_a_passage_over_two_paragraphs_is_cited_as_a_range_everywhere(users, client_for):
    annotation = spanning(users.owner)
    start, end = annotation.start_paragraph.position, annotation.end_paragraph.position
    assert end == start + 1
    cited = f"¶{start}–{end}"  # an en dash
    client = client_for(users.owner)

    (quote,) = blockquotes(download(client, format="md").decode())
    assert quote[-1].startswith("— Anthony Giddens") and quote[-1].endswith(f", {cited}")

    document = word(download(client, format="docx"))
    citations = [p.text for p in document.paragraphs if p.text.startswith("— ")]
    assert citations == [quote[-1]]

    rows = list(csv.reader(io.StringIO(download(client, format="csv").decode("utf-8-sig"))))
    header, row = rows
    assert header[header.index("paragraph") + 1] == "end_paragraph"
    assert header[-3:] == ["link", "permalink", "original_passage_url"] and header[:6] == [
        "quote", "note", "tags", "article", "section", "paragraph"
    ]  # fmt: skip
    record = dict(zip(header, row, strict=True))
    assert (record["paragraph"], record["end_paragraph"]) == (str(start), str(end))

    (item,) = json.loads(download(client, format="json"))["annotations"]
    assert item["paragraph"]["position"] == start
    assert item["end_paragraph"]["position"] == end
    assert item["citation"] == quote[-1].removeprefix("— ")


def test_a_passage_in_one_paragraph_cites_it_alone(users, client_for):
    annotation = annotate(users.owner, "prawn cocktail offensive to evolve")
    position = annotation.start_paragraph.position
    text = download(client_for(users.owner), format="csv").decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["paragraph"] == row["end_paragraph"] == str(position)
    (quote,) = blockquotes(download(client_for(users.owner), format="md").decode())
    assert quote[1].endswith(f", ¶{position}")


# Whose excerpt it is ----------------------------------------------------------------------


@pytest.fixture
def shared_and_mine(users):
    return {
        "mine": annotate(users.owner, "prawn cocktail offensive to evolve", note="Mine."),
        "theirs": annotate(
            users.other, "New Labour as such is dead", note="Theirs.", visibility="shared"
        ),
    }


def test_an_excerpt_says_whose_it_is_when_it_is_not_the_readers(shared_and_mine, users, client_for):
    client = client_for(users.owner)
    quotes = {quote[0]: quote[1:] for quote in blockquotes(download(client, format="md").decode())}
    assert quotes["prawn cocktail offensive to evolve"][-1].startswith("— ")  # mine: no name
    assert quotes["New Labour as such is dead"][-1] == "Annotated by other"
    assert not any("Annotated by owner" in line for lines in quotes.values() for line in lines)

    texts = [p.text for p in word(download(client, format="docx")).paragraphs]
    assert texts.count("Annotated by other") == 1 and "Annotated by owner" not in texts
    assert texts.index("Annotated by other") > texts.index("New Labour as such is dead")

    (row_other,) = [
        row
        for row in csv.DictReader(io.StringIO(download(client, format="csv").decode("utf-8-sig")))
        if row["annotator"] == "other"
    ]
    assert row_other["note"] == "Theirs."


def test_the_command_names_every_annotator_for_the_operator(shared_and_mine):
    out = io.StringIO()
    call_command("export_annotations", "--format", "md", stdout=out, stderr=io.StringIO())
    names = [quote[-1] for quote in blockquotes(out.getvalue())]
    assert sorted(names) == ["Annotated by other", "Annotated by owner"]


# Names, not slugs -------------------------------------------------------------------------


def test_a_book_is_titled_by_the_articles_title_and_the_tags_names(users, client_for):
    annotate(users.owner, "prawn cocktail offensive to evolve", tags=["Third Way"])
    client = client_for(users.owner)
    query = {"article": NEW_LABOUR, "tag": "third-way"}
    markdown = download(client, format="md", **query).decode()
    tokens = MarkdownIt("commonmark").parse(markdown)
    title = f"Commonplace book: {NEW_LABOUR_TITLE}; Third Way"
    assert tokens[0].tag == "h1" and tokens[1].content == title
    assert word(download(client, format="docx", **query)).core_properties.title == title
    assert json.loads(download(client, format="json", **query))["title"] == title


def test_a_title_does_not_reveal_the_name_of_a_tag_the_reader_cannot_see(users, client_for):
    annotate(users.other, "Trots?", tags=["Secret Plan"])  # private to other
    annotate(users.owner, "prawn cocktail offensive to evolve", visibility="shared")
    markdown = download(client_for(users.owner), format="md", tag="secret-plan").decode()
    assert "Secret Plan" not in markdown
    assert MarkdownIt("commonmark").parse(markdown)[1].content == "Commonplace book: secret-plan"


HOSTILE_TAGS = [
    "#economy",
    "# x",
    "foo #",
    "##",
    "*bold*",
    "`code`",
    "[a](javascript:x)",
    "<b>",
    "foo {#bar .c}",
    "x\\",
    "a_b_",
    "&amp;",
    "~~s~~",
    "@cite",
    "$m$",
    "--",
    "a---b",
    "...",
    "\"quoted\" and 'single'",
    "don't",
    "a|b",
    "1. x",
    "- x",
    "> q",
    "=",
    "^[note]",
]


def pandoc_headings(markdown: str) -> list[str]:
    result = subprocess.run(
        ["pandoc", "-f", "markdown", "-t", "json"],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )

    def text(inlines) -> str:
        parts = []
        for inline in inlines:
            kind, content = inline["t"], inline.get("c")
            if kind == "Str":
                parts.append(content)
            elif kind == "Space":
                parts.append(" ")
            else:  # anything else (emphasis, a quote, a link) is not the name as written
                parts.append(f"<{kind}>")
        return "".join(parts)

    blocks = json.loads(result.stdout)["blocks"]
    return [text(b["c"][2]) for b in blocks if b["t"] == "Header" and b["c"][0] == 2]


def test_a_tag_heading_reads_as_the_tags_name(users, client_for):
    annotate(users.owner, "prawn cocktail offensive to evolve", tags=HOSTILE_TAGS)
    markdown = download(client_for(users.owner), format="md", group="tag").decode()
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings = [
        "".join(c.content for c in tokens[i + 1].children if c.type == "text")
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]
    # The last heading is the book's own: its reference list.
    assert headings.pop() == "References"
    assert sorted(headings) == sorted(HOSTILE_TAGS)
    assert sorted(pandoc_headings(markdown)[:-1]) == sorted(HOSTILE_TAGS)
    assert "\\#economy" not in markdown  # a # inside a heading's text needs no backslash
    document = word(download(client_for(users.owner), format="docx", group="tag"))
    word_headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert word_headings.pop() == "References"
    assert sorted(word_headings) == sorted(HOSTILE_TAGS)


# An anonymous visitor's export ------------------------------------------------------------


def test_an_anonymous_visitor_who_can_see_nothing_is_offered_no_export(users, client_for, settings):
    annotate(users.owner, "prawn cocktail offensive to evolve", visibility="shared")
    reader = f"/articles/{NEW_LABOUR}/"
    page = client_for(None).get(reader).content.decode()
    assert 'action="/annotations/export/"' not in page
    assert "to export annotations: they are shown only to readers who sign in." in page
    assert f'href="/accounts/login/?next={reader}"' in page

    settings.COMMONPLACE_ANONYMOUS_READS_SHARED = True
    page = client_for(None).get(reader).content.decode()
    assert 'action="/annotations/export/"' in page
    assert (
        client_for(users.owner).get(reader).content.decode().count('action="/annotations/export/"')
        == 1
    )


def test_an_empty_book_says_why_it_is_empty(users, client_for, settings):
    annotate(users.owner, "prawn cocktail offensive to evolve", visibility="shared")

    def subtitle(client, **query) -> str:
        markdown = download(client, format="md", **query).decode()
        return MarkdownIt("commonmark").parse(markdown)[4].children[1].content

    assert subtitle(client_for(None)).endswith(
        "no excerpts, since annotations are shown only to readers who sign in."
    )
    document = word(download(client_for(None), format="docx"))
    assert document.paragraphs[1].text.endswith("shown only to readers who sign in.")
    assert subtitle(client_for(users.other), tag="nothing").endswith(
        "no excerpts, since no annotation you can see matches this selection."
    )
    settings.COMMONPLACE_ANONYMOUS_READS_SHARED = True
    assert subtitle(client_for(None)).endswith("1 excerpt, grouped by article.")
