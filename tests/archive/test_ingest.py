"""`manage.py ingest`: files and folders in, articles, sections and paragraphs out."""

import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive import parsing
from archive.models import Article, Paragraph, Section
from tests.conftest import CORPUS, MOMENTUM, NEW_LABOUR, article_text

FOOTER = "This article first appeared in the 17 May 2010 issue of the New Statesman, On a tightrope"


def ingest(*paths) -> tuple[str, str, int]:
    """Run the command; return its stdout, stderr and exit status."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *[str(p) for p in paths], stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return out.getvalue(), err.getvalue(), error.returncode
    return out.getvalue(), err.getvalue(), 0


def snapshot() -> dict:
    return {
        "articles": list(Article.objects.order_by("pk").values_list("pk", "slug", "content_hash")),
        "sections": list(Section.objects.order_by("pk").values_list("pk", "article", "order")),
        "paragraphs": list(
            Paragraph.objects.order_by("pk").values_list("pk", "article", "position", "text")
        ),
    }


@pytest.mark.django_db
def test_ingest_the_corpus():
    out, err, status = ingest(CORPUS)
    assert status == 0, err
    assert "Articles: 2 created, 0 updated, 0 unchanged" in out
    assert "Sections: 5 created, 0 updated, 0 unchanged" in out
    assert "Paragraphs: 78 created, 0 updated, 0 unchanged" in out
    assert "Files: 1 ingested, 0 skipped, 0 failed" in out
    new_labour = Article.objects.get(slug=NEW_LABOUR)
    momentum = Article.objects.get(slug=MOMENTUM)
    assert new_labour.author == "Anthony Giddens"
    assert str(new_labour.issue_date) == "2010-05-17"
    assert str(momentum.issue_date) == "2017-03-23"
    assert (new_labour.source, new_labour.order, momentum.order) == (CORPUS.name, 0, 1)
    assert list(momentum.sections.values_list("number", "title")) == [
        (1, "The Bus"),
        (2, "The Conference"),
        (3, "The HQ"),
        (4, "The Fallout"),
    ]
    positions = list(momentum.paragraphs.values_list("position", flat=True))
    assert positions == list(range(1, 54))
    assert momentum.paragraphs.filter(kind="correction").count() == 1
    assert not Paragraph.objects.filter(text__contains="GETTY").exists()


@pytest.mark.django_db
def test_reingesting_changes_nothing_and_keeps_every_id():
    ingest(CORPUS)
    before = snapshot()
    out, _, status = ingest(CORPUS)
    assert status == 0
    assert "Articles: 0 created, 0 updated, 2 unchanged" in out
    assert "Paragraphs: 0 created, 0 updated, 78 unchanged" in out
    assert snapshot() == before


@pytest.mark.django_db
def test_a_folder_is_read_recursively(tmp_path):
    shutil.copy(CORPUS, tmp_path / "a.txt")
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "nested" / "deeper" / "b.txt").write_text(
        article_text("Nested", ["Body."], FOOTER), encoding="utf-8"
    )
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    out, _, status = ingest(tmp_path)
    assert status == 0
    assert (
        "Files: 2 ingested, 0 skipped, 0 failed; "
        "1 file in the folders ignored (not .docx, .htm, .html, .txt)"
    ) in out
    assert Article.objects.get(title="Nested").source == "nested/deeper/b.txt"
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_a_changed_article_is_updated_in_place(write_file, corpus_text):
    path = write_file("corpus.txt", corpus_text)
    ingest(path)
    momentum = Article.objects.get(slug=MOMENTUM)
    old = list(momentum.paragraphs.order_by("position"))
    untouched_article = snapshot()["paragraphs"][:25]

    edited = old[2].text
    removed = old[5].text
    changed = (
        corpus_text.replace(edited, edited + " An added sentence.")
        .replace(removed + "\n", "")
        .replace(
            "2. The Conference", "A new paragraph before the second section.\n\n2. The Conference"
        )
    )
    path.write_text(changed, encoding="utf-8")
    out, _, status = ingest(path)

    assert status == 0
    assert "Articles: 0 created, 1 updated, 1 unchanged" in out
    assert "Paragraphs: 1 created, 1 updated, 76 unchanged, 1 deleted" in out
    momentum.refresh_from_db()
    new = list(momentum.paragraphs.order_by("position"))
    assert [p.position for p in new] == list(range(1, 54))
    ids = {p.pk for p in new}
    assert {p.pk for p in old if p.text != removed} <= ids
    assert old[5].pk not in ids
    assert Paragraph.objects.get(pk=old[2].pk).text == edited + " An added sentence."
    inserted = momentum.paragraphs.get(text="A new paragraph before the second section.")
    assert inserted.section.title == "The Bus"
    assert snapshot()["paragraphs"][:25] == untouched_article
    assert momentum.slug == MOMENTUM


@pytest.mark.django_db
def test_sections_follow_a_renamed_heading(write_file, corpus_text):
    path = write_file("corpus.txt", corpus_text)
    ingest(path)
    momentum = Article.objects.get(slug=MOMENTUM)
    bus_paragraph_ids = list(
        momentum.sections.get(number=1).paragraphs.values_list("pk", flat=True)
    )
    path.write_text(corpus_text.replace("3. The HQ", "3. Headquarters"), encoding="utf-8")
    out, _, _ = ingest(path)
    assert "Sections: 1 created, 0 updated, 4 unchanged, 1 deleted" in out
    assert list(momentum.sections.values_list("title", flat=True)) == [
        "The Bus",
        "The Conference",
        "Headquarters",
        "The Fallout",
    ]
    hq = momentum.sections.get(number=3)
    assert hq.paragraphs.count() == 19
    assert list(momentum.sections.get(number=1).paragraphs.values_list("pk", flat=True)) == (
        bus_paragraph_ids
    )


@pytest.mark.django_db
def test_a_retitled_article_keeps_its_id_and_slug(write_file, corpus_text):
    path = write_file("corpus.txt", corpus_text)
    ingest(path)
    before = Article.objects.get(slug=NEW_LABOUR)
    path.write_text(
        corpus_text.replace(
            "The rise and fall of New Labour\n", "The rise and fall of New Labour!\n"
        ),
        encoding="utf-8",
    )
    out, _, _ = ingest(path)
    assert "Articles: 0 created, 1 updated, 1 unchanged" in out
    after = Article.objects.get(pk=before.pk)
    assert (after.title, after.slug) == ("The rise and fall of New Labour!", NEW_LABOUR)
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_an_article_gone_from_its_file_is_kept_with_a_warning(write_file):
    path = write_file(
        "two.txt", article_text("One", ["A."], FOOTER) + article_text("Two", ["B."], FOOTER)
    )
    ingest(path)
    path.write_text(article_text("One", ["A."], FOOTER), encoding="utf-8")
    _, err, status = ingest(path)
    assert status == 0
    assert "1 article no longer in this file was kept: Two" in err
    assert Article.objects.filter(title="Two").exists()


@pytest.mark.django_db
def test_same_title_in_two_files_gets_two_slugs(write_file):
    write_file("a/issue.txt", article_text("Editorial", ["A."], FOOTER))
    write_file("b/issue.txt", article_text("Editorial", ["B."], FOOTER))
    folder = write_file("a/issue.txt", article_text("Editorial", ["A."], FOOTER)).parent.parent
    ingest(folder)
    assert sorted(Article.objects.values_list("slug", "source")) == [
        ("editorial", "a/issue.txt"),
        ("editorial-2", "b/issue.txt"),
    ]
    out, _, _ = ingest(folder)
    assert "Articles: 0 created, 0 updated, 2 unchanged" in out


@pytest.mark.django_db
def test_a_folder_with_a_binary_file_names_it_fails_and_ingests_the_rest(tmp_path):
    shutil.copy(CORPUS, tmp_path / "good.txt")
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out, err, status = ingest(tmp_path)
    assert status != 0
    assert f"FAILED {tmp_path / 'photo.txt'}: binary file: it contains NUL bytes" in err
    assert "Files: 1 ingested, 0 skipped, 1 failed" in out
    assert Article.objects.count() == 2
    assert "Traceback" not in out + err


@pytest.mark.django_db
def test_an_empty_file_is_skipped_not_failed(write_file):
    empty = write_file("empty.txt", "")
    blank = write_file("blank.txt", "\n \xa0\n\n")
    out, err, status = ingest(empty, blank)
    assert status == 0, err
    assert f"skipped {empty}: no articles in it (empty file)" in out
    assert "Files: 0 ingested, 2 skipped, 0 failed" in out


@pytest.mark.django_db
def test_windows_1252_is_read_with_a_warning(write_file):
    path = write_file(
        "win.txt", article_text("Caf\xe9 society", ["It was “great”."], FOOTER).encode("cp1252")
    )
    _, err, status = ingest(path)
    assert status == 0
    assert "not valid UTF-8; read as Windows-1252" in err
    article = Article.objects.get()
    assert article.title == "Café society"
    assert article.paragraphs.get().text == "It was “great”."


@pytest.mark.django_db
def test_bom_and_crlf(write_file):
    text = article_text("Title", ["Body one.", "Body two."], FOOTER).replace("\n", "\r\n")
    path = write_file("bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))
    _, err, status = ingest(path)
    assert status == 0, err
    article = Article.objects.get()
    assert article.title == "Title"
    assert list(article.paragraphs.values_list("text", flat=True)) == ["Body one.", "Body two."]


@pytest.mark.django_db
def test_an_undecodable_file_fails_with_a_reason(write_file):
    path = write_file("bad.txt", b"Title\n\nabc\x81\x8d\n")
    _, err, status = ingest(path)
    assert status == 1
    assert f"FAILED {path}: neither UTF-8 nor Windows-1252" in err
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_file_that_fails_part_way_writes_nothing(write_file, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_LINE_CHARS", 1000)
    path = write_file(
        "partial.txt", article_text("Good", ["Fine."], FOOTER) + "Bad\n\n" + "x" * 1001 + "\n"
    )
    _, err, status = ingest(path)
    assert status == 1
    assert "line 10 is longer than 1,000 characters" in err
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_missing_path_fails_clearly():
    _, err, status = ingest("/no/such/folder")
    assert status == 1
    assert "FAILED /no/such/folder: no such file or folder" in err


@pytest.mark.django_db
def test_markup_is_stored_as_is(write_file):
    path = write_file("x.txt", article_text("<script>t()</script>", ["<b>x</b> & y"], FOOTER))
    ingest(path)
    article = Article.objects.get()
    assert article.title == "<script>t()</script>"
    assert article.slug == "scripttscript"
    assert article.paragraphs.get().text == "<b>x</b> & y"
