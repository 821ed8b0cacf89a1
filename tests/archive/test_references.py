"""Articles as references: CSL-JSON valid by the CSL data schema, BibTeX and RIS that
read back (bibtexparser, rispy) to the same fields, and the four formatted styles."""

import json
from datetime import date
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from archive import reference_files, styles
from archive.models import Article
from archive.references import csl_item, csl_name, item_date, sorted_name
from tests.conftest import MOMENTUM, NEW_LABOUR

CSL_SCHEMA = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "csl" / "csl-data.json").read_text()
)
ACCESSED = date(2026, 12, 4)
HOSTILE_TITLE = "Rise & fall: 50% of {New} Labour — “Žižek” $5 _x_ \\end{document} <b>"


def items(*slugs) -> list[dict]:
    articles = Article.objects.filter(slug__in=slugs).order_by("issue_date")
    return [csl_item(a, f"https://example.org/articles/{a.slug}/", ACCESSED) for a in articles]


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Anthony Giddens", {"family": "Giddens", "given": "Anthony"}),
        (
            "Vincent van Gogh",
            {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
        ),
        ("Martin Luther King Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
        ("Giddens, Anthony", {"family": "Giddens", "given": "Anthony"}),
        ("Reuters", {"literal": "Reuters"}),
        ("Jon Cruddas MP", {"family": "Cruddas", "given": "Jon"}),
    ],
)
def test_names(name, parts):
    assert csl_name(name) == parts


def test_sorted_names():
    assert sorted_name({"family": "Gogh", "given": "V.", "non-dropping-particle": "van"}) == (
        "van Gogh, V."
    )
    assert sorted_name({"literal": "Reuters"}) == "Reuters"


def test_csl_json_is_valid_by_the_csl_schema(ingested):
    data = json.loads(reference_files.csl_json(items(NEW_LABOUR, MOMENTUM)))
    jsonschema.validate(data, CSL_SCHEMA)
    giddens, momentum = data
    assert giddens["id"] == "giddens2010rise"
    assert giddens["type"] == "article-magazine"
    assert giddens["author"] == [{"family": "Giddens", "given": "Anthony"}]
    assert giddens["container-title"] == "New Statesman"
    assert giddens["issued"] == {"date-parts": [[2010, 5, 17]]}
    assert giddens["accessed"] == {"date-parts": [[2026, 12, 4]]}
    assert giddens["URL"] == f"https://example.org/articles/{NEW_LABOUR}/"
    assert "author" not in momentum


def test_a_newspaper_and_a_doi(ingested):
    Article.objects.filter(slug=NEW_LABOUR).update(
        publication_type=Article.PublicationType.NEWSPAPER, doi="10.1000/xyz-1"
    )
    (item,) = items(NEW_LABOUR)
    jsonschema.validate([item], CSL_SCHEMA)
    assert (item["type"], item["DOI"]) == ("article-newspaper", "10.1000/xyz-1")
    (ris,) = rispy.loads(reference_files.ris([item]))
    assert (ris["type_of_reference"], ris["doi"]) == ("NEWS", "10.1000/xyz-1")
    (entry,) = bibtexparser.parse_string(reference_files.bibtex([item])).entries
    assert (entry["entrysubtype"], entry["doi"]) == ("newspaper", "10.1000/xyz-1")


def _hostile(ingested_items: list[dict]) -> list[dict]:
    first = dict(ingested_items[0])
    first["title"] = HOSTILE_TITLE
    first["author"] = [csl_name("Anthony Giddens"), csl_name("Vincent van Gogh")]
    first["URL"] = "https://example.org/a_b/?q=50%25&x=1"
    return [first, *ingested_items[1:]]


def test_bibtex_reads_back_to_the_same_fields(ingested):
    written = _hostile(items(NEW_LABOUR, MOMENTUM))
    text = reference_files.bibtex(written)
    library = bibtexparser.parse_string(text)
    decoded = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == ["giddens2010rise", "newstatesman2017losing"]
    giddens = {field.key: field.value for field in decoded.entries[0].fields}
    verbatim = {field.key: field.value for field in library.entries[0].fields}
    assert giddens["title"] == HOSTILE_TITLE
    assert giddens["author"] == "Giddens, Anthony and van Gogh, Vincent"
    assert giddens["journal"] == giddens["journaltitle"] == "New Statesman"
    assert (verbatim["date"], verbatim["year"], verbatim["month"]) == ("2010-05-17", "2010", "5")
    assert verbatim["url"] == "https://example.org/a_b/?q=50%25&x=1"
    assert verbatim["urldate"] == "2026-12-04"
    assert verbatim["entrysubtype"] == "magazine"
    assert "author" not in decoded.entries[1]


def test_ris_reads_back_to_the_same_fields(ingested):
    written = _hostile(items(NEW_LABOUR, MOMENTUM))
    text = reference_files.ris(written)
    assert text.startswith("TY  - MGZN\n")  # a record opens at its type, not a number
    giddens, momentum = rispy.loads(text)
    assert giddens["id"] == "giddens2010rise"
    assert giddens["title"] == HOSTILE_TITLE
    assert giddens["authors"] == ["Giddens, Anthony", "van Gogh, Vincent"]
    assert giddens["secondary_title"] == "New Statesman"
    assert (giddens["year"], giddens["date"]) == ("2010", "2010/05/17")
    assert giddens["urls"] == ["https://example.org/a_b/?q=50%25&x=1"]
    assert giddens["access_date"] == "2026/12/04"
    assert "authors" not in momentum


def test_item_dates():
    assert item_date({"issued": {"date-parts": [[2010, 5, 17]]}}, "issued") == date(2010, 5, 17)
    assert item_date({"issued": {"date-parts": [[2010]]}}, "issued") is None
    assert item_date({}, "issued") is None


EXPECTED = {
    "apa": [
        "Giddens, A. (2010, May 17). The rise and fall of New Labour. New Statesman.",
        "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam. (2017, March 23). "
        "New Statesman.",
    ],
    "chicago": [
        "Giddens, Anthony. 2010. “The Rise and Fall of New Labour.” New Statesman, May 17.",
        "New Statesman. 2017. “Losing Momentum: How Jeremy Corbyn’s Support Group Ran Out of "
        "Steam,” March 23.",
    ],
    "mla": [
        "Giddens, Anthony. “The Rise and Fall of New Labour.” New Statesman, 17 May 2010,",
        "“Losing Momentum: How Jeremy Corbyn’s Support Group Ran Out of Steam.” New Statesman, "
        "23 Mar. 2017,",
    ],
    "harvard": [
        "Giddens, A. (2010) ‘The rise and fall of New Labour’, New Statesman, 17 May. Available",
        "New Statesman (2017) ‘Losing Momentum: how Jeremy Corbyn’s support group ran out of "
        "steam’, 23 March. Available at:",
    ],
}


@pytest.mark.parametrize("style", list(styles.STYLES))
def test_each_style_formats_both_articles(ingested, style):
    """Given names whole where the style says so (Chicago, MLA), and an anonymous
    article's title printed once (citeproc-py's two gaps, filled in archive.styles)."""
    giddens, momentum = styles.formatted(items(NEW_LABOUR, MOMENTUM), style)
    assert giddens.text.startswith(EXPECTED[style][0])
    assert momentum.text.startswith(EXPECTED[style][1])
    assert momentum.text.count("Losing Momentum") == 1
    assert f"https://example.org/articles/{NEW_LABOUR}/" in giddens.text
    assert "<i>New Statesman</i>" in giddens.html


def test_formatted_html_escapes_the_articles_text(ingested):
    (item,) = items(NEW_LABOUR)
    item["title"] = "<script>alert(1)</script> & \ue000i"
    (reference,) = styles.formatted([item], "apa")
    assert "<script>" not in reference.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; i" in reference.html
    assert "\ue000" not in reference.text
    assert [run.shapes for run in reference.runs if run.text == "New Statesman"] == [
        frozenset({"i"})
    ]


def test_a_line_break_in_a_title_forges_no_record(ingested):
    """A title typed with line breaks in the admin must not start a line in a file read
    line by line: in RIS, a new tag, even a new record."""
    (item,) = items(NEW_LABOUR)
    item["title"] = "Foo\nER  - \r\nTY  - JOUR\u2028TI  - forged"
    (ris,) = rispy.loads(reference_files.ris([item]))
    assert ris["title"] == "Foo ER  - TY  - JOUR TI  - forged"
    (entry,) = bibtexparser.parse_string(reference_files.bibtex([item])).entries
    assert "\n" not in entry["title"]


def test_a_lone_brace_does_not_end_a_bibtex_field(ingested):
    """BibTeX counts braces whatever precedes them, so a lone one is written as a command."""
    (item,) = items(NEW_LABOUR)
    item["title"] = "Right } alone, left { alone, {paired}"
    text = reference_files.bibtex([item])
    assert "{\\textbraceright} alone, left {\\textbraceleft} alone, \\{paired\\}" in text
    field = text.split("title = {", 1)[1].split("},\n", 1)[0]
    assert field.count("{") == field.count("}")
    assert bibtexparser.parse_string(text).failed_blocks == []
