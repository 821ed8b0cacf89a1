"""manage.py import_references: article metadata filled or corrected from BibTeX or
CSL-JSON, matched by title, all or nothing, reported; the index follows."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Article
from archive.reference_files import bibtex, csl_json
from archive.references import csl_item
from search.models import PendingIndexUpdate
from tests.conftest import CORPUS, MOMENTUM, NEW_LABOUR
from tests.search.conftest import api

pytestmark = pytest.mark.usefixtures("ingested")

MOMENTUM_TITLE = "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam"
MOMENTUM_BIB = r"""
% A hand-written entry: braces, straight quotes and a final stop do not hide the title.
@article{corbyn,
  title = {Losing {Momentum}: how Jeremy Corbyn's support group ran out of steam.},
  author = {Smith, Jane and van Gogh, Vincent and others},
  date = {2017-03-24},
  url = {https://www.newstatesman.com/politics/2017/03/losing-momentum?a=1%20b},
  doi = {https://doi.org/10.1234/NS.2017%2F03}
}
"""


def run(path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_references", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def metadata(slug: str) -> dict:
    return Article.objects.filter(slug=slug).values(
        "author", "issue_date", "original_url", "doi", "citation_key", "title"
    )[0]


def everything() -> list[dict]:
    return list(Article.objects.order_by("pk").values())


def exported(slug: str, write) -> str:
    article = Article.objects.get(slug=slug)
    url = f"http://testserver{article.get_absolute_url()}"
    return write([csl_item(article, url, date(2026, 1, 2))])


def test_bibtex_fills_author_date_url_and_doi(write_file):
    key = metadata(MOMENTUM)["citation_key"]
    out, err = run(write_file("refs.bib", MOMENTUM_BIB))
    assert metadata(MOMENTUM) == {
        "author": "Jane Smith and Vincent van Gogh",  # "and others" is et al., no one
        "issue_date": date(2017, 3, 24),
        # An address is read as written: LaTeX would have cut it at its % as a comment.
        "original_url": "https://www.newstatesman.com/politics/2017/03/losing-momentum?a=1%20b",
        "doi": "10.1234/NS.2017/03",
        "citation_key": key,  # given once, never changed
        "title": MOMENTUM_TITLE,
    }
    assert f'{key} "Losing Momentum' in out
    assert "  author: (none) -> Jane Smith and Vincent van Gogh" in out
    assert "  issue date: 2017-03-23 -> 2017-03-24" in out
    assert "1 entry: 1 matched (1 article changed, 0 unchanged), 0 matched nothing" in out
    assert err == ""


def test_csl_json_fills_author_date_url_and_doi(write_file):
    item = {
        "id": "labour",
        "type": "article-magazine",
        "title": "THE RISE AND FALL OF NEW LABOUR",
        "author": [
            {"family": "Giddens", "given": "Anthony"},
            {"family": "Hutton", "given": "Will", "suffix": "Jr."},
            {"literal": "The Editors"},
        ],
        "issued": {"date-parts": [["2010", "5", "18"]]},
        "URL": "https://www.newstatesman.com/politics/2010/05/new-labour",
        "DOI": "doi:10.5555/giddens.2010",
    }
    run(write_file("refs.json", json.dumps([item])))
    assert metadata(NEW_LABOUR) | {"citation_key": "", "title": ""} == {
        "author": "Anthony Giddens and Will Hutton Jr. and The Editors",
        "issue_date": date(2010, 5, 18),
        "original_url": "https://www.newstatesman.com/politics/2010/05/new-labour",
        "doi": "10.5555/giddens.2010",
        "citation_key": "",
        "title": "",
    }


def test_entries_matching_nothing_or_several_are_reported_and_change_nothing(write_file):
    Article.objects.create(
        title="The Rise and Fall of New Labour",
        slug="another",
        citation_key="another2010rise",
        source="other.txt",
        content_hash="x",
    )
    before = everything()
    path = write_file(
        "refs.bib",
        "@article{a, title={The rise and fall of New Labour}, author={Someone Else}}\n"
        "@article{b, title={Never written}, author={Nobody}}\n"
        "@article{c, author={No Title}}\n",
    )
    out, _ = run(path)
    assert everything() == before
    assert 'matched no article: b ("Never written")' in out
    assert "matched no article: c\n" in out
    assert (
        'matched 2 articles, so none: a ("The rise and fall of New Labour") '
        "(giddens2010rise, another2010rise)" in out
    )
    assert "3 entries: 0 matched (0 articles changed, 0 unchanged), 2 matched nothing" in out
    assert "1 ambiguous" in out


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("date = {2010-02-30}", "'2010-02-30' is not a date"),
        ("date = {17 May 2010}", "is not a date as YYYY-MM-DD"),
        ("year = {2010}, month = {13}", "'2010-13' is not a date"),
        ("date = {2010-05-17}, year = {2011}", "date 2010-05-17 and year/month/day 2011"),
        ("url = {javascript:alert(1)}", "is not a web address"),
        ("url = {https://exa mple.com/}", "is not a web address"),
        ("doi = {11.1234/x}", "is not a DOI"),
        ("author = {" + "A" * 300 + "}", "author is 300 characters long; at most 255 fit"),
    ],
)
def test_one_invalid_entry_writes_nothing(write_file, field, message):
    before, rows = everything(), PendingIndexUpdate.objects.count()
    path = write_file(
        "refs.bib",
        "@article{good, title={The rise and fall of New Labour}, author={Jane Smith}}\n"
        f"@article{{bad, title={{{MOMENTUM_TITLE}}}, {field}}}\n",
    )
    with pytest.raises(CommandError) as raised:
        run(path)
    assert str(raised.value).startswith(f'Nothing was imported from {path}: bad ("Losing')
    assert message in str(raised.value)
    assert everything() == before
    assert PendingIndexUpdate.objects.count() == rows


def test_two_entries_for_one_article_fail_the_import(write_file):
    before = everything()
    path = write_file(
        "refs.bib",
        "@article{one, title={The rise and fall of New Labour}, author={Jane Smith}}\n"
        "@article{two, title={The Rise and Fall of New Labour}, author={John Smith}}\n",
    )
    with pytest.raises(CommandError, match=r'two \("The Rise .*"\): describes the same article'):
        run(path)
    assert everything() == before


def test_a_dry_run_reports_and_writes_nothing(write_file):
    before, rows = everything(), PendingIndexUpdate.objects.count()
    out, _ = run(write_file("refs.bib", MOMENTUM_BIB), "--dry-run")
    assert "  author: (none) -> Jane Smith and Vincent van Gogh" in out
    assert "(1 article to change, 0 unchanged)" in out
    assert "(dry run: nothing was written)" in out
    assert everything() == before
    assert PendingIndexUpdate.objects.count() == rows


def test_empty_values_erase_nothing_and_what_is_held_is_unchanged(write_file):
    before = everything()
    path = write_file(
        "refs.bib",
        "@article{a, title={The rise and fall of New Labour}, author={Giddens, Anthony},"
        " url={}, doi={ }, date={2010-05-17}}\n",
    )
    out, _ = run(path)
    assert everything() == before
    assert "(0 articles changed, 1 unchanged)" in out


def test_a_date_without_its_day_keeps_the_issue_date_and_says_so(write_file):
    path = write_file(
        "refs.bib",
        "@article{agrees, title={The rise and fall of New Labour}, year={2010}, month=may}\n"
        f"@article{{wrong, title={{{MOMENTUM_TITLE}}}, date={{2016}}}}\n",
    )
    Article.objects.create(
        title="Undated", slug="undated", citation_key="anon", source="o.txt", content_hash="x"
    )
    with path.open("a", encoding="utf-8") as bib:
        bib.write("@article{undated, title={Undated}, year={2015}, month={7}}\n")
    out, err = run(path)
    assert metadata("undated")["issue_date"] is None
    assert 'undated ("Undated"): its date 2015-07 has no day' in err
    assert metadata(NEW_LABOUR)["issue_date"] == date(2010, 5, 17)
    assert metadata(MOMENTUM)["issue_date"] == date(2017, 3, 23)
    assert "(0 articles changed, 3 unchanged)" in out
    assert "agrees (" not in err
    assert "wrong (" in err and "its date 2016 disagrees with the article's issue date" in err


def test_the_index_hears_of_the_changed_articles(
    client, write_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(write_file("refs.bib", MOMENTUM_BIB))
    assert callbacks, "the index is told after the commit"
    momentum = Article.objects.get(slug=MOMENTUM)
    found = api(client, q="", author="Jane Smith and Vincent van Gogh")
    assert found["count"] == momentum.paragraphs.count() > 0
    assert {hit["article"]["slug"] for hit in found["results"]} == {MOMENTUM}
    assert not PendingIndexUpdate.objects.exists()


def test_a_round_trip_of_our_own_bibtex_export(write_file):
    original = metadata(NEW_LABOUR)
    text = exported(NEW_LABOUR, bibtex)
    assert run(write_file("same.bib", text))[0].endswith(
        "1 entry: 1 matched (0 articles changed, 1 unchanged), 0 matched nothing, 0 ambiguous.\n"
    )
    edited = (
        text.replace("Giddens, Anthony", "Giddens, Anthony and Hutton, Will")
        .replace("2010-05-17", "2010-05-18")
        .replace("month = {5},", "month = {5},\n\tday = {18},")
        .replace("urldate", "doi = {10.5555/ns.2010.17},\n\turldate")
    )
    out, _ = run(write_file("edited.bib", edited))
    assert metadata(NEW_LABOUR) == original | {
        "author": "Anthony Giddens and Will Hutton",
        "issue_date": date(2010, 5, 18),
        "doi": "10.5555/ns.2010.17",
    }
    # Its URL is the article's page here: where it can be read, not where it appeared.
    assert "1 URL left out as the article's own page here, not where it first" in out


def test_a_round_trip_of_our_own_csl_json_export(write_file):
    original = metadata(MOMENTUM)
    items = json.loads(exported(MOMENTUM, csl_json))
    items[0]["author"] = [{"given": "Jane", "family": "Smith"}]
    items[0]["URL"] = "https://www.newstatesman.com/politics/2017/03/losing-momentum"
    run(write_file("edited.json", json.dumps(items)))
    assert metadata(MOMENTUM) == original | {
        "author": "Jane Smith",
        "original_url": "https://www.newstatesman.com/politics/2017/03/losing-momentum",
    }


def test_a_url_on_this_server_is_never_the_original(write_file, settings):
    settings.COMMONPLACE_BASE_URL = "https://commonplace.example.org"
    before = everything()
    path = write_file(
        "refs.bib",
        "@article{a, title={The rise and fall of New Labour},"
        " url={https://elsewhere.example/articles/the-rise-and-fall-of-new-labour}}\n"
        f"@article{{b, title={{{MOMENTUM_TITLE}}}, url={{https://commonplace.example.org/tags/}}}}\n",
    )
    out, _ = run(path)
    assert everything() == before
    assert "2 URLs left out" in out


def test_corrections_survive_a_reingest_of_the_unchanged_source(write_file):
    run(write_file("refs.bib", MOMENTUM_BIB))
    call_command("ingest", str(CORPUS), stdout=io.StringIO(), stderr=io.StringIO())
    assert metadata(MOMENTUM)["author"] == "Jane Smith and Vincent van Gogh"
