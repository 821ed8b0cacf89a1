"""Reference files read for import_references: formats told apart, BibTeX and CSL-JSON
read alike, titles compared as people type them, and hostile files refused whole."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive import reference_reading
from archive.reference_reading import ReferenceImportFailed, read_references
from archive.reference_values import BadValue, Issued, doi, issued, title_key

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BIB = "@article{k, title={The {Rise} of It}, author={Giddens, Anthony}, year={2010}}\n"
CSL = '[{"id": "k", "type": "article", "title": "The Rise of It", "issued": {"raw": "2010"}}]'


def problems(path, format=None) -> str:
    with pytest.raises(ReferenceImportFailed) as raised:
        read_references(path, format)
    return str(raised.value)


def test_the_schema_checked_is_the_one_vendored_for_the_tests():
    shipped = Path(reference_reading.__file__).parent / "schema" / "csl-data.json"
    assert shipped.read_bytes() == (FIXTURES / "csl" / "csl-data.json").read_bytes()


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("The rise and fall of New Labour", "THE RISE AND FALL OF {New Labour}."),
        (
            "Momentum: how Jeremy Corbyn’s support group",
            "momentum: how jeremy corbyn's support group",
        ),
        ("Labour — a history", "Labour - a  history"),
        ("“Quoted”  title", '"quoted" title!'),
        ("ﬁnal ｗｏｒｄ", "final word"),  # NFKC: a ligature, full-width letters
    ],
)
def test_titles_are_compared_as_typed(one, other):
    assert title_key(one) == title_key(other)


def test_different_titles_stay_different():
    assert title_key("Labour's rise") != title_key("Labour's fall")


def test_the_format_is_told_by_extension_then_by_the_first_characters(write_file):
    assert read_references(write_file("a.bib", BIB))[0].author == "Anthony Giddens"
    assert read_references(write_file("a.json", CSL))[0].issued == Issued(2010)
    assert read_references(write_file("refs.txt", "% my library\n" + BIB))[0].title == (
        "The Rise of It"
    )
    assert read_references(write_file("refs", "\ufeff  " + CSL))[0].title == "The Rise of It"
    assert read_references(write_file("wrong.json", BIB), "bibtex")[0].label == (
        'k ("The Rise of It")'
    )
    assert "say which with --format" in problems(write_file("notes.txt", "Some notes."))


def test_bibtex_text_is_decoded_and_addresses_are_not(write_file):
    (reference,) = read_references(
        write_file(
            "a.bib",
            "@string{ns = {New Statesman}}\n"
            "@ARTICLE{k, TITLE = {Schr{\\\"o}der's ``Third Way'' --- 50\\% on},"
            " Author = {{\\O}stergaard, S{\\o}ren and {Barnes and Noble}},"
            " URL = {https://example.com/a%20b?c=1#d}, doi = {10.1/a%b}, journal = ns,"
            " month = jun, year = 2001, day = {09}}\n",
        )
    )
    assert reference.title == "Schröder's “Third Way” — 50% on"
    assert reference.author == "Søren Østergaard and Barnes and Noble"
    assert reference.url == "https://example.com/a%20b?c=1#d"
    assert reference.doi == "10.1/a%b"
    assert reference.issued == Issued(2001, 6, 9)


def test_csl_names_and_dates_are_read_in_display_order(write_file):
    item = {
        "id": 7,
        "type": "article-newspaper",
        "title": "T",
        "author": [
            {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
            {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
            {"literal": "Staff Reporter"},
        ],
        "issued": {"date-parts": [[2017, 3]]},
    }
    (reference,) = read_references(write_file("a.json", json.dumps(item)))
    assert reference.author == "Vincent van Gogh and Martin Luther King Jr. and Staff Reporter"
    assert reference.issued == Issued(2017, 3)
    assert reference.issued.as_date is None
    assert reference.label == '7 ("T")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1234/abc", "10.1234/abc"),
        ("https://doi.org/10.1234/a%3Cb%3E", "10.1234/a<b>"),
        ("http://dx.doi.org/10.1000.10/x", "10.1000.10/x"),
        ("doi: 10.5555/X ", "10.5555/X"),
    ],
)
def test_dois_lose_their_prefix(value, expected):
    assert doi(value) == expected


@pytest.mark.parametrize("value", ["10.abc/x", "10.1234", "https://example.com/10.1/x", "x"])
def test_what_is_not_a_doi_is_refused(value):
    with pytest.raises(BadValue, match="is not a DOI"):
        doi(value)


def test_dates_are_days_of_the_calendar():
    assert issued("2010", "05", "17").as_date == date(2010, 5, 17)
    assert issued(2012, 2, 29).as_date == date(2012, 2, 29)
    for bad in [(2011, 2, 29), ("2010", "May"), (2010, None, 3), (0,), (2010.5,), (True,)]:
        with pytest.raises(BadValue, match="is not a date"):
            issued(*bad)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"id": "x", "type": "article"}, None),
        ({"id": "x", "type": "article", "title": 5}, "title: 5 is not of type 'string'"),
        ({"id": "x", "type": "letter"}, "type: 'letter' is not one of"),
        ({"type": "article"}, "the item: 'id' is a required property"),
        ({"id": "x", "type": "article", "issued": {"literal": "Spring"}}, "is not a date"),
        ({"id": "x", "type": "article", "issued": {"date-parts": [[2010], [2011]]}}, "range"),
        ({"id": "x", "type": "article", "issued": {"date-parts": [["c. 2010"]]}}, "not a date"),
        ({"id": "x", "type": "article", "author": [{"name": "A"}]}, "not a CSL-JSON item"),
    ],
)
def test_csl_items_are_checked_against_the_schema(write_file, item, message):
    path = write_file("a.json", json.dumps([item]))
    if message is None:
        assert read_references(path)[0].title == ""
    else:
        assert message in problems(path)


def test_every_entry_at_fault_is_named(write_file):
    text = "".join(f"@article{{k{n}, title={{T{n}}}, doi={{bad{n}}}}}\n" for n in range(25))
    found = problems(write_file("a.bib", text)).splitlines()
    assert found[0] == "k0 (\"T0\"): DOI 'bad0' is not a DOI (10.<number>/<suffix>)"
    assert found[-1] == "... and 5 more"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file (it holds NUL bytes)"),
        ("caf\u00e9 @article{k,".encode("latin-1"), "is not UTF-8 text (byte 4 is not UTF-8)"),
        (b" \n", "is empty"),
        (b"[]", "holds no references"),
        (b"% only a comment\n", "say which with --format"),
        (
            b"@article{k, title={Unclosed}\n@article{j, title={Fine}}\n",
            "line 1 (@article{k, title={Unclosed}): cannot be",
        ),
        (b"@article{k, title={A}}\n@article{k, title={B}}\n", "the key 'k' is used twice"),
        (b"@article{k, author={Smith, John, Jr, Extra, Parts}}", "cannot be read as BibTeX"),
        (b"[" * 100_000 + b"]" * 100_000, "is not valid JSON"),
        (b'[{"id": "x", "type": "article"', "is not valid JSON"),
        (b'"a string"', "is not CSL-JSON"),
    ],
)
def test_hostile_files_are_refused_whole(write_file, content, message):
    format = "csl-json" if content[:1] in (b"[", b'"') else None
    assert message in problems(write_file("hostile", content), format)


def test_a_file_over_the_limit_is_refused_before_it_is_read(write_file, monkeypatch):
    monkeypatch.setattr(reference_reading, "MAX_FILE_BYTES", 100)
    path = write_file("big.bib", BIB * 10)
    assert problems(path) == f"{path} is over the limit of 100 bytes"


def test_the_command_says_in_one_line_why_a_file_cannot_be_read(tmp_path, db):
    missing = tmp_path / "missing.bib"
    with pytest.raises(CommandError) as raised:
        call_command("import_references", str(missing))
    assert str(raised.value) == (
        f"Nothing was imported from {missing}: cannot read {missing}: No such file or directory"
    )
    with pytest.raises(CommandError, match=r"cannot read .*: Is a directory"):
        call_command("import_references", str(tmp_path), "--format", "bibtex")
