"""The formats ingest reads, behind one interface (archive.readers), chosen by extension
or by --format; and `ingest --dry-run`, which prints what would be stored, storing nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive import readers
from archive.models import Article
from archive.parsing import ParseError
from tests.conftest import CORPUS, article_text

FOOTER = "This article first appeared in the 17 May 2010 issue of the New Statesman"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_reader_is_chosen_by_extension_or_by_name(tmp_path):
    assert readers.reader_for(tmp_path / "a.TXT").name == "text"
    assert readers.reader_for(tmp_path / "a.pdf") is None
    assert readers.reader_for(tmp_path / "a.pdf", "text").name == "text"
    assert ".txt" in readers.extensions()


def test_a_reading_gives_its_articles_twice_and_says_how_far_it_got(write_file):
    path = write_file("two.txt", article_text("One", ["Body."], FOOTER) * 2)
    reading = readers.reader_for(path).open(path)
    assert [a.title for a in reading.articles(None)] == ["One", "One"]
    read = []
    assert len(list(reading.articles(read.append))) == 2
    assert sum(read) == path.stat().st_size


def test_an_unreadable_file_is_refused_when_opened(write_file):
    path = write_file("binary.txt", b"\x00\x01\x02")
    with pytest.raises(ParseError, match="binary"):
        readers.reader_for(path).open(path)


@pytest.mark.django_db
def test_a_dry_run_prints_each_article_and_stores_nothing():
    out, _ = run("--dry-run", CORPUS)
    assert Article.objects.count() == 0
    assert "new-statesman-labour.txt (text): 2 articles" in out
    assert "  1. The rise and fall of New Labour" in out
    assert "     author: Anthony Giddens" in out
    assert "     date: 2010-05-17" in out
    assert "     sections: 1. The Bus; 2. The Conference; 3. The HQ; 4. The Fallout" in out
    assert "     paragraphs: 53" in out
    assert "     dropped: Show Hide image" in out
    assert "     | The era of Labour hegemony is over." in out
    assert out.endswith("Dry run: nothing was stored.\n")


@pytest.mark.django_db
def test_a_dry_run_names_what_it_cannot_read_and_fails(write_file):
    good = write_file("good.txt", article_text("Good", ["Body."]))
    bad = write_file("bad.txt", b"\x00binary")
    with pytest.raises(CommandError, match="1 file could not be read; nothing was stored"):
        run("--dry-run", good, bad)
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_dry_run_warns_of_a_missing_date(write_file):
    out, _ = run("--dry-run", write_file("undated.txt", article_text("Undated", ["Body."])))
    assert "warning: no date: it will be listed as undated" in out


@pytest.mark.django_db
def test_format_reads_a_file_whatever_its_extension(write_file):
    path = write_file("clippings.dat", article_text("Clipped", ["Body."], FOOTER))
    with pytest.raises(CommandError):
        run(path)  # no reader for .dat
    assert Article.objects.count() == 0
    run("--format", "text", path)
    assert Article.objects.get().title == "Clipped"
