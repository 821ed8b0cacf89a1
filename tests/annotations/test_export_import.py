"""Exports read back with real parsers, the W3C validator, filters, permissions, streaming,
and imports: the round trip, idempotence, re-anchoring and all-or-nothing failures."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import StreamingHttpResponse
from markdown_it import MarkdownIt

from archive.models import Paragraph
from tests.annotations.conftest import export
from tests.conftest import MOMENTUM, NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")

VALIDATOR = Path(__file__).parent.parent / "fixtures" / "w3c-annotation-model" / "validate.py"


# The formats ----------------------------------------------------------------------------


def test_csv(library):
    text = export("--format", "csv")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 5
    prawn = rows[0]
    paragraph = library["prawn"].start_paragraph
    assert prawn == {
        "quote": "prawn cocktail offensive to evolve",
        "note": "The **turning** point, *ironic*.",
        "tags": "City; Finance",
        "article": "The rise and fall of New Labour",
        "section": "",
        "paragraph": str(paragraph.position),
        "end_paragraph": str(paragraph.position),
        "author": "Anthony Giddens",
        "publication": "New Statesman",
        "issue_date": "2010-05-17",
        "annotator": "owner",
        "visibility": "shared",
        "created": library["prawn"].created.isoformat(),
        "modified": library["prawn"].modified.isoformat(),
        "link": f"http://127.0.0.1:8000/articles/{NEW_LABOUR}/?annotation={library['prawn'].pk}",
        "permalink": f"http://127.0.0.1:8000/a/{library['prawn'].uid}/",
        "original_passage_url": "",
    }
    momentum = next(row for row in rows if row["quote"] == "Trots?")
    assert momentum["section"] == "1. The Bus"
    # A spreadsheet would run "=SUM(A1)" as a formula.
    assert next(row["note"] for row in rows if row["annotator"] == "other") == "'=SUM(A1)"


def test_json_is_lossless(library):
    data = json.loads(export("--format", "json"))
    assert (data["format"], data["version"], data["count"]) == ("commonplace-annotations", 1, 5)
    record = data["annotations"][0]
    prawn = library["prawn"]
    assert record["uid"] == str(prawn.uid)
    assert record["article"]["slug"] == NEW_LABOUR
    assert record["paragraph"] == {
        "id": prawn.start_paragraph_id,
        "position": prawn.start_paragraph.position,
    }
    assert (record["start"], record["end"]) == (prawn.start_offset, prawn.end_offset)
    assert (record["quote"], record["prefix"], record["suffix"]) == (
        prawn.quote,
        prawn.prefix,
        prawn.suffix,
    )
    assert record["tags"] == [
        {"name": "City", "slug": "city", "description": ""},
        {"name": "Finance", "slug": "finance", "description": ""},
    ]
    assert record["created"] == prawn.created.isoformat()


def test_jsonld_validates_against_the_w3c_suite(library, tmp_path):
    path = tmp_path / "export.jsonld"
    call_command("export_annotations", "--format", "jsonld", "-o", str(path), stderr=io.StringIO())
    result = subprocess.run(
        [sys.executable, str(VALIDATOR), "--containers", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    passed, failed = result.stdout.strip().splitlines()[-1].replace(",", "").split()[::2]
    assert int(failed) == 0 and int(passed) > 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "AnnotationCollection" and data["total"] == 5
    items = data["first"]["items"]
    assert data["first"]["type"] == "AnnotationPage" and len(items) == 5
    prawn = items[0]
    assert prawn["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert prawn["motivation"] == "commenting"
    assert prawn["body"] == [
        {
            "type": "TextualBody",
            "purpose": "commenting",
            "format": "text/markdown",
            "value": "The **turning** point, *ironic*.",
        },
        {"type": "TextualBody", "purpose": "tagging", "value": "City"},
        {"type": "TextualBody", "purpose": "tagging", "value": "Finance"},
    ]
    quote, position = prawn["target"]["selector"]
    assert quote["exact"] == "prawn cocktail offensive to evolve"
    article_text = "\n\n".join(
        Paragraph.objects.filter(article__slug=NEW_LABOUR).values_list("text", flat=True)
    )
    assert article_text[position["start"] : position["end"]] == quote["exact"]
    assert prawn["target"]["source"] == f"http://127.0.0.1:8000/articles/{NEW_LABOUR}/"


def test_markdown_commonplace_book_by_article(library):
    text = export("--format", "md")
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [
        (token.tag, tokens[i + 1].content)
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    assert headings == [
        ("h1", "Commonplace book"),
        ("h2", "The rise and fall of New Labour"),
        ("h2", "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam"),
        ("h2", "References"),
    ]
    assert sum(token.type == "blockquote_open" for token in tokens) == 5
    assert (
        '— Anthony Giddens, "The rise and fall of New Labour", New Statesman, 17 May 2010, ¶'
        in text
    )
    assert "The **turning** point, *ironic*." in text  # the note stays Markdown
    html = MarkdownIt("commonmark").render(text)
    assert "<strong>turning</strong>" in html and "<blockquote>" in html


def test_markdown_by_tag_repeats_excerpts_under_each_tag(library):
    text = export("--format", "md", "--group-by", "tag")
    html = MarkdownIt("commonmark").render(text)
    h2 = [part.split("</h2>")[0] for part in html.split("<h2>")[1:]]
    assert h2 == ["City", "Finance", "humour", "Untagged", "References"]
    assert text.count("> prawn cocktail offensive to evolve") == 2


def test_markdown_shows_quoted_markup_as_text(users, write_file):
    path = write_file(
        "x.txt", "Markup\n\nStandfirst\n\nA *starred* <script>alert(1)</script> # line\n"
    )
    call_command("ingest", str(path), stdout=io.StringIO())
    annotate(
        users.owner,
        "A *starred* <script>alert(1)</script> # line",
        note="<img src=x onerror=alert(1)>",
        visibility="shared",
    )
    html = MarkdownIt("commonmark", {"html": True}).render(export("--format", "md"))
    assert "<script" not in html
    assert "<img" not in html
    assert "<em>starred</em>" not in html
    assert "A *starred* &lt;script&gt;alert(1)&lt;/script&gt; # line" in html


def test_docx_opens_in_python_docx(library, tmp_path):
    import docx

    path = tmp_path / "book.docx"
    call_command("export_annotations", "--format", "docx", "-o", str(path), stderr=io.StringIO())
    document = docx.Document(str(path))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Commonplace book")
    assert ("Heading 1", "The rise and fall of New Labour") in paragraphs
    quotes = [text for style, text in paragraphs if style == "Quote"]
    assert "prawn cocktail offensive to evolve" in quotes and len(quotes) == 5
    assert "The turning point, ironic." in [text for _, text in paragraphs]
    assert any(
        text.startswith('— Anthony Giddens, "The rise and fall of New Labour"')
        for _, text in paragraphs
    )


def test_docx_needs_a_file_and_a_bounded_selection(library, monkeypatch):
    with pytest.raises(CommandError, match="binary: give a file with -o"):
        export("--format", "docx")
    monkeypatch.setattr("annotations.formats.docx.MAX_DOCX_ANNOTATIONS", 2)
    with pytest.raises(CommandError, match="too many for one Word document"):
        export("--format", "docx", "-o", "/dev/null")


# Filters and permissions ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--tag", "humour"], {"trots", "secret"}),
        (["--tag", "City", "--tag", "humour"], {"prawn", "trots", "secret"}),
        (["--article", MOMENTUM], {"trots", "secret", "theirs"}),
        (["--user", "other"], {"dead", "theirs"}),
        (["--visibility", "private"], {"secret", "theirs"}),
        (["--q", "ONLY"], {"secret", "theirs"}),
        (
            ["--since", "2000-01-01", "--until", "2999-01-01"],
            {"prawn", "trots", "secret", "dead", "theirs"},
        ),
        (["--until", "2000-01-01"], set()),
    ],
)
def test_filters(library, args, expected):
    data = json.loads(export("--format", "json", *args))
    uids = {record["uid"] for record in data["annotations"]}
    assert uids == {str(library[name].uid) for name in expected}


def test_command_line_exports_everything_or_what_one_user_may_see(library):
    def names(*args):
        data = json.loads(export("--format", "json", *args))
        return {r["quote"] for r in data["annotations"]}

    shared = {"prawn cocktail offensive to evolve", "Trots?", "New Labour as such is dead"}
    assert names() == shared | {"Sabotage", "Momentum HQ is in the TSSA"}
    assert names("--as", "owner") == shared | {"Sabotage"}
    assert names("--as", "other") == shared | {"Momentum HQ is in the TSSA"}
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        export("--format", "json", "--as", "nobody")


def test_web_export_respects_permissions_and_filters(library, client_for, users):
    def quotes(client, **params):
        response = client.get("/annotations/export/", {"format": "json", **params})
        assert response.status_code == 200
        assert isinstance(response, StreamingHttpResponse)
        data = json.loads(b"".join(response.streaming_content))
        return {record["quote"] for record in data["annotations"]}

    other = client_for(users.other)
    assert "Sabotage" not in quotes(other)
    assert "Momentum HQ is in the TSSA" in quotes(other)
    assert quotes(client_for(users.owner), tag="humour") == {"Trots?", "Sabotage"}
    assert quotes(client_for(None)) == set()


def test_web_export_names_the_file_and_says_what_is_wrong(library, client_for, users):
    client = client_for(users.owner)
    response = client.get("/annotations/export/", {"format": "csv", "tag": "City"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="commonplace-city-')
    assert response["Content-Disposition"].endswith('.csv"')
    docx = client.get("/annotations/export/", {"format": "docx", "article": NEW_LABOUR})
    assert docx["Content-Disposition"].startswith(
        f'attachment; filename="commonplace-{NEW_LABOUR}-'
    )
    assert b"".join(docx.streaming_content)[:2] == b"PK"  # a zip, as DOCX files are
    bad = client.get("/annotations/export/", {"format": "pdf"})
    assert bad.status_code == 400 and "Export as one of" in bad.content.decode()
    bad = client.get("/annotations/export/", {"format": "csv", "since": "yesterday"})
    assert bad.status_code == 400
    assert "since: Give a date such as 2024-05-17." in bad.content.decode()


def test_export_buttons_on_the_pages(library, client_for, users):
    client = client_for(users.owner)
    for url in ("/annotations/", "/tags/city/", f"/articles/{NEW_LABOUR}/"):
        assert 'action="/annotations/export/"' in client.get(url).content.decode(), url
    assert 'name="tag" value="city"' in client.get("/tags/city/").content.decode()
    assert (
        f'name="article" value="{NEW_LABOUR}"'
        in client.get(f"/articles/{NEW_LABOUR}/").content.decode()
    )


# Imports -------------------------------------------------------------------------------


def test_tags_read_alphabetically_whatever_their_case(users):
    annotate(users.owner, "prawn cocktail", tags=["beta", "Alpha", "Charlie"])
    tokens = MarkdownIt("commonmark").parse(export("--format", "md", "--group-by", "tag"))
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[1:4] == ["Alpha", "beta", "Charlie"]  # after the book's title
    out = io.StringIO()
    call_command("export_annotations", "--format", "json", stdout=out)
    (record,) = json.loads(out.getvalue())["annotations"]
    assert [tag["name"] for tag in record["tags"]] == ["Alpha", "beta", "Charlie"]
