"""Downloads are complete or not at all: built whole before a byte is sent, with their
length, from queries that do not grow with the filters; what cannot be served is
refused up front with a 400 that says why."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from markdown_it import MarkdownIt

from annotations.formats.csv import CsvExporter
from annotations.models import Annotation, Tag
from archive.models import Paragraph
from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def text(inline) -> str:
    """What an inline token shows, its escapes undone."""
    return "".join(child.content for child in inline.children if child.type == "text")


@pytest.fixture
def many(users):
    """2,500 shared annotations of one passage."""
    paragraph = Paragraph.objects.get(text__contains="prawn cocktail offensive to evolve")
    Annotation.objects.bulk_create(
        Annotation(
            owner=users.owner,
            article_id=paragraph.article_id,
            start_paragraph=paragraph,
            end_paragraph=paragraph,
            start_offset=0,
            end_offset=10,
            quote=paragraph.text[:10],
            note=f"note {n}",
            visibility="shared",
        )
        for n in range(2_500)
    )


def test_a_download_is_built_whole_before_it_is_sent(
    many, users, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    # Read in chunks of 500 (with their tags and paragraphs): a handful of queries per
    # chunk, never one per annotation and never the whole set at once; and every query
    # runs before the response exists, so nothing can fail once the 200 is sent.
    with django_assert_max_num_queries(40):
        response = client_for(users.owner).get("/annotations/export/", {"format": "csv"})
    assert response.status_code == 200
    with django_assert_num_queries(0):
        content = body(response)
    assert int(response["Content-Length"]) == len(content)
    rows = list(csv.reader(io.StringIO(content.decode().removeprefix("\ufeff"))))
    assert len(rows) == 2_501 and rows[-1][1] == "note 2499"


def test_a_failure_while_building_is_an_error_page_not_a_short_file(
    many, users, client_for, monkeypatch
):
    row = CsvExporter.row
    calls = []

    def fails_at_the_third_row(self, annotation):
        calls.append(annotation)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return row(self, annotation)

    monkeypatch.setattr(CsvExporter, "row", fails_at_the_third_row)
    client = client_for(users.owner, raise_request_exception=False)
    response = client.get("/annotations/export/", {"format": "csv"})
    assert response.status_code == 500
    assert "Content-Disposition" not in response


def test_a_failed_command_line_export_leaves_nothing_half_written(
    many, tmp_path, monkeypatch, capsys
):
    path = tmp_path / "backup.csv"
    path.write_text("yesterday's backup", encoding="utf-8")
    monkeypatch.setattr(CsvExporter, "row", lambda self, annotation: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        call_command("export_annotations", "--format", "csv", "-o", str(path))
    assert path.read_text(encoding="utf-8") == "yesterday's backup"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.csv"]
    out = io.StringIO()
    with pytest.raises(ZeroDivisionError):
        call_command("export_annotations", "--format", "csv", stdout=out)
    assert out.getvalue() == ""  # not even the header row


def test_a_command_line_export_appears_whole_and_private(many, tmp_path):
    path = tmp_path / "backup.csv"
    call_command("export_annotations", "--format", "csv", "-o", str(path), stderr=io.StringIO())
    assert len(list(csv.reader(path.open(encoding="utf-8-sig")))) == 2_501
    assert path.stat().st_mode & 0o077 == 0  # it may hold private annotations
    missing = tmp_path / "no-such-folder" / "backup.csv"
    with pytest.raises(CommandError, match=f"Cannot write to {missing}: No such file"):
        call_command("export_annotations", "--format", "csv", "-o", str(missing))


def test_a_markdown_book_by_300_tags_is_complete(users, client_for):
    """Each named tag used to add two conditions to every query of the export: SQLite
    stopped the book after the first groups, behind a 200."""
    names = [f"theme {n:03}" for n in range(300)]
    annotate(users.owner, "prawn cocktail offensive to evolve", tags=names, visibility="shared")
    annotate(users.owner, "Trots?", tags=names[:2], visibility="shared")
    response = client_for(users.owner).get(
        "/annotations/export/", {"format": "md", "group": "tag", "tag": names}
    )
    assert response.status_code == 200
    content = body(response)
    assert int(response["Content-Length"]) == len(content)
    tokens = MarkdownIt("commonmark").parse(content.decode())
    headings = [text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[1:] == [*names, "References"]  # each heading reads as its tag's name
    assert sum(t.type == "blockquote_open" for t in tokens) == 302


def test_tags_are_matched_by_slug_or_by_name_in_any_case(users, client_for):
    annotate(users.owner, "Trots?", tags=["Humour"], visibility="shared")
    annotate(users.owner, "Sabotage", tags=["Économie politique"], visibility="shared")
    annotate(users.owner, "Momentum HQ is in the TSSA", tags=["other"], visibility="shared")
    client = client_for(users.other)

    def quotes(*tags):
        response = client.get("/annotations/export/", {"format": "csv", "tag": list(tags)})
        rows = csv.DictReader(io.StringIO(body(response).decode().removeprefix("\ufeff")))
        return sorted(row["quote"] for row in rows)

    assert quotes("HUMOUR") == ["Trots?"]
    slug = Tag.objects.get(name="Économie politique").slug
    assert quotes("humour", slug) == ["Sabotage", "Trots?"]
    assert quotes("Économie politique") == ["Sabotage"]
    assert quotes("no such tag") == []


def test_an_absurd_number_of_tags_is_refused_up_front(users, client_for):
    Tag.objects.create(name="real", audience="shared")
    names = [f"tag {n}" for n in range(501)]
    response = client_for(users.owner).get("/annotations/export/", {"format": "md", "tag": names})
    assert response.status_code == 400
    message = "An export can name at most 500 tags, and this one names 501"
    assert message in response.content.decode()
    args = [arg for name in names for arg in ("--tag", name)]
    with pytest.raises(CommandError, match="at most 500 tags"):
        call_command("export_annotations", "--format", "md", *args, stdout=io.StringIO())


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"format": "pdf"},
            "format: Export as one of: csv, json, jsonld, md, docx, pandoc, csl-json, bibtex, ris.",
        ),
        ({"group": "colour"}, "group: Group by one of: article, tag."),
        ({"until": "2024-02-30"}, "until: Give a date such as 2024-05-17."),
        ({"visibility": "public"}, "visibility: Select a valid choice."),
        ({"tag": "x" * 101}, "tag: A tag has at most 100 characters."),
        ({"q": "x" * 201}, "q: Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_bad_requests_get_a_400_naming_the_field(users, client_for, params, message):
    response = client_for(users.owner).get("/annotations/export/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
