"""Saved web pages as files (archive/readers/html.py): how a page is decoded, what
cannot be read (named with a one-line reason, writing nothing), and a page through
`manage.py ingest`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive import readers
from archive.models import Article
from archive.parsing import ParseError
from archive.readers import html
from tests.archive.html_pages import HOSTILE, LEDGER, NOTES, PROSE, REVIEW, page, read

# Encodings ------------------------------------------------------------------------------


def test_a_page_is_decoded_by_the_charset_it_declares(write_file):
    head = '<meta charset="iso-8859-1"><title>Café society</title>'
    path = write_file("latin.html", page(f"<p>It was “great”. {PROSE}</p>", head).encode("cp1252"))
    reading = readers.reader_for(path).open(path)
    assert reading.warnings == []  # declared, so nothing was guessed
    (article,) = reading.articles(None)
    assert article.title == "Café society"
    assert article.paragraphs[0].text == f"It was “great”. {PROSE}"  # Latin-1 read as browsers do


def test_an_undeclared_page_that_is_not_utf8_is_read_as_windows_1252_with_a_warning(write_file):
    path = write_file("win.html", page(f"<p>Café “society”. {PROSE}</p>").encode("cp1252"))
    reading = readers.reader_for(path).open(path)
    assert reading.warnings == [html.CP1252_WARNING]
    (article,) = reading.articles(None)
    assert article.paragraphs[0].text == f"Café “society”. {PROSE}"


def test_a_page_that_lies_about_its_charset_is_read_by_its_bytes(write_file):
    head = '<meta charset="utf-8"><title>Café</title>'
    path = write_file("lying.html", page(f"<p>Café. {PROSE}</p>", head).encode("cp1252"))
    reading = readers.reader_for(path).open(path)
    assert reading.warnings == ["the page says it is utf-8, but it is not", html.CP1252_WARNING]
    assert next(reading.articles(None)).title == "Café"


def test_a_utf16_page_with_its_byte_order_mark(write_file):
    path = write_file("utf16.html", page(f"<p>Café. {PROSE}</p>").encode("utf-16"))
    assert read(path).paragraphs[0].text == f"Café. {PROSE}"


# What cannot be read ----------------------------------------------------------------------


def test_a_binary_file_named_html_is_refused(write_file):
    path = write_file("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ParseError, match=r"^binary file: it contains NUL bytes$"):
        readers.reader_for(path).open(path)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>",
        "<div class='ad-slot'><iframe src='https://ads.example.net/'></iframe></div>",
    ],
)
def test_a_page_without_article_text_is_refused(write_file, body):
    path = write_file(
        "nothing.html", f"<html><head><title>x</title></head><body>{body}</body></html>"
    )
    with pytest.raises(ParseError, match=r"^no article text found in the page$"):
        readers.reader_for(path).open(path)


def test_an_empty_page_has_no_articles(write_file):
    for path in [write_file("empty.html", ""), write_file("blank.html", " \n\t\n")]:
        assert list(readers.reader_for(path).open(path).articles(None)) == []


def test_a_page_over_the_cap_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.html"
    with open(path, "wb") as stream:
        stream.truncate(html.MAX_PAGE_BYTES + 1)  # sparse: nothing is written to disk
    with pytest.raises(ParseError, match=r"^larger than 20 MB, the most a saved page may be$"):
        readers.reader_for(path).open(path)


def test_a_reading_gives_its_article_twice_and_says_how_far_it_got():
    reading = readers.reader_for(LEDGER).open(LEDGER)
    first = next(reading.articles(None))
    first.title = "changed by whoever read it first"
    read_bytes = []
    (again,) = reading.articles(read_bytes.append)
    assert again.title == "Councils brace for a winter of cuts"
    assert sum(read_bytes) == LEDGER.stat().st_size


# Ingest -------------------------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_ingest_stores_a_page_and_again_changes_nothing():
    out, _ = run(LEDGER)
    assert "Articles: 1 created" in out
    article = Article.objects.get()
    assert article.title == "Councils brace for a winter of cuts"
    assert article.source == "ledger-byline.html"
    assert article.original_url.startswith("https://www.northernledger.co.uk/politics/2024/")
    assert [str(s) for s in article.sections.all()] == [
        "(opening)",
        "1. A widening gap",
        "2. What ministers say",
    ]
    paragraphs = list(article.paragraphs.order_by("position").values_list("pk", "text"))
    assert len(paragraphs) == 6
    assert paragraphs[3][1].startswith("“We have cut everything that can be cut")

    out, _ = run(LEDGER)
    assert "Articles: 0 created, 0 updated, 1 unchanged" in out
    assert "Paragraphs: 0 created, 0 updated, 6 unchanged" in out
    assert list(article.paragraphs.order_by("position").values_list("pk", "text")) == paragraphs


@pytest.mark.django_db
def test_a_dry_run_prints_a_page():
    out, _ = run("--dry-run", REVIEW)
    assert Article.objects.count() == 0
    assert "review-meta.html (html): 1 article" in out
    assert "  1. The quiet return of the industrial strategy" in out
    assert "     author: Amir Khan" in out
    assert "     date: 2023-11-02" in out
    assert "     publication: Westminster Review" in out
    assert (
        "     original URL: https://westminsterreview.org/economy/"
        "the-quiet-return-of-the-industrial-strategy/" in out
    )
    assert (
        "     sections: 1. The politics of picking winners; 2. Lessons from the last attempt" in out
    )
    assert "     paragraphs: 6" in out
    assert "     | For most of the last forty years" in out
    assert "     dropped: comments (7)" in out


@pytest.mark.django_db
def test_a_dry_run_warns_that_a_page_has_no_date():
    out, _ = run("--dry-run", HOSTILE)
    assert "     warning: no date: it will be listed as undated" in out


@pytest.mark.django_db
def test_a_page_without_text_is_named_once_in_our_words(write_file, caplog):
    path = write_file("nothing.html", "<html><body></body></html>")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", "--dry-run", str(path), stdout=out, stderr=err)
    assert err.getvalue() == f"CANNOT READ {path}: no article text found in the page\n"
    assert caplog.records == []  # trafilatura's own lines ("discarding data") are quiet


@pytest.mark.django_db
def test_a_page_that_cannot_be_read_is_named_and_writes_nothing(tmp_path):
    (tmp_path / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "good.html").write_bytes(NOTES.read_bytes())
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 file failed"):
        call_command("ingest", str(tmp_path), stdout=out, stderr=err)
    assert f"FAILED {tmp_path / 'photo.html'}: binary file: it contains NUL bytes" in err.getvalue()
    assert list(Article.objects.values_list("source", flat=True)) == ["good.html"]
