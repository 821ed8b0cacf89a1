"""Citation keys: author + year + first title word, unique, and never changed once given."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from archive import citekeys
from archive.models import Article
from tests.conftest import MOMENTUM, NEW_LABOUR, article_text

FOOTER = "This article first appeared in the {} May 2010 issue of the New Statesman"


@pytest.fixture
def ingest(db):
    def run(path):
        call_command("ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    return run


@pytest.mark.parametrize(
    ("author", "issued", "title", "publication", "key"),
    [
        (
            "Anthony Giddens",
            date(2010, 5, 17),
            "The rise and fall of New Labour",
            "",
            "giddens2010rise",
        ),
        ("Slavoj Žižek", date(2012, 1, 1), "A plague of fantasies", "", "zizek2012plague"),
        ("Martin Luther King Jr.", date(1963, 4, 16), "An open letter", "", "king1963open"),
        ("Anthony Giddens and Will Hutton", None, "On the edge", "", "giddensndon"),
        ("", date(2017, 3, 23), "Losing Momentum: how", "New Statesman", "newstatesman2017losing"),
        ("", None, "The", "", "anonndthe"),
        ("Seán O'Hara", date(2020, 2, 2), "“Quoted” — first", "", "ohara2020quoted"),
    ],
)
def test_base_key(author, issued, title, publication, key):
    assert citekeys.base_key(author, issued, title, publication) == key


@pytest.mark.parametrize(
    ("author", "names", "families"),
    [
        (
            "Anthony Giddens and Will Hutton",
            ["Anthony Giddens", "Will Hutton"],
            ["Giddens", "Hutton"],
        ),
        ("Anthony Giddens, Will Hutton", ["Anthony Giddens", "Will Hutton"], ["Giddens", "Hutton"]),
        (
            "Giddens, Anthony and Diamond, Patrick",
            ["Giddens, Anthony", "Diamond, Patrick"],
            ["Giddens", "Diamond"],
        ),
        ("van Gogh, Vincent", ["van Gogh, Vincent"], ["Gogh"]),
        ("Stephen Bush, Special Correspondent", ["Stephen Bush"], ["Bush"]),
        ("Jane Roe, Chief Political Commentator", ["Jane Roe"], ["Roe"]),
        ("Amir Khan; Data Analysts", ["Amir Khan"], ["Khan"]),
        ("Jon Cruddas MP", ["Jon Cruddas MP"], ["Cruddas"]),
        ("Martin Luther King Jr.", ["Martin Luther King Jr."], ["King"]),
    ],
)
def test_bylines_become_authors(author, names, families):
    assert citekeys.split_authors(author) == names
    assert [citekeys.family_name(name) for name in names] == families


def test_keys_are_made_unique_as_reference_managers_do():
    taken = {"giddens2010rise", "giddens2010risea"}
    assert citekeys.unique_key("giddens2010rise", taken.__contains__) == "giddens2010riseb"
    every = set(citekeys.disambiguated("x"))
    assert len(every) == 1 + 26 + 26 * 26


def test_ingested_articles_have_their_keys(ingested):
    keys = dict(Article.objects.values_list("slug", "citation_key"))
    assert keys == {NEW_LABOUR: "giddens2010rise", MOMENTUM: "newstatesman2017losing"}


def test_same_author_year_and_word_get_distinct_keys(write_file, ingest):
    text = article_text("The rise of it", ["One."], FOOTER.format(1))
    text += "\n" + article_text("The rise again", ["Two."], FOOTER.format(2))
    ingest(write_file("two.txt", text))
    assert sorted(Article.objects.values_list("citation_key", flat=True)) == [
        "newstatesman2010rise",
        "newstatesman2010risea",
    ]


def test_a_key_outlives_a_re_ingest_that_changes_author_and_title(write_file, ingest):
    footer = FOOTER.format(1)
    path = write_file("one.txt", article_text("Old title", ["Body."], footer))
    ingest(path)
    key = Article.objects.get().citation_key
    path.write_text(
        article_text("New title", ["Body.", "Jane Roe is a writer."], footer), encoding="utf-8"
    )
    ingest(path)
    article = Article.objects.get()
    assert (article.title, article.author, article.citation_key) == ("New title", "Jane Roe", key)


def test_keys_never_run_out():
    taken = set(citekeys.disambiguated("x")) | {"x704"}
    assert citekeys.unique_key("x", taken.__contains__) == "x705"
