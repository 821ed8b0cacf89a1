"""Full-text search: the real Whoosh index, through /api/search and the search page."""

import html as html_lib
import io
import re

import pytest
from django.core.management import call_command

from archive.models import Paragraph
from search import indexing, syntax
from search.fields import NONE
from tests.conftest import MOMENTUM, NEW_LABOUR, article_text, on_each_backend
from tests.search.conftest import api, hit_ids, paragraphs_matching

pytestmark = pytest.mark.usefixtures("ingested")


@on_each_backend
def test_exact_phrase_finds_exactly_the_two_paragraphs_that_hold_it(client):
    data = api(client, q='"prawn cocktail"')
    expected = paragraphs_matching("prawn cocktail")
    assert len(expected) == 2
    assert data["count"] == 2
    assert hit_ids(data) == expected
    for hit in data["results"]:
        assert "<mark>prawn</mark> <mark>cocktail</mark>" in hit["snippet"]
        assert hit["article"] == {"slug": NEW_LABOUR, "title": "The rise and fall of New Labour"}
        assert hit["section"] is None
        assert hit["url"].startswith(f"http://testserver/articles/{NEW_LABOUR}/?q=")
        assert hit["url"].endswith(f"#p-{hit['paragraph_id']}")
        assert isinstance(hit["score"], float)


@on_each_backend
@pytest.mark.parametrize(
    "phrase, pattern",
    [
        ('"New Labour"', r"\bnew labour\b"),
        ('"the Labour Party"', r"\blabour party\b"),
        ('"left-of-centre party"', r"left-of-centre part"),
        ('"war in Iraq"', r"\bwar in iraq\b"),  # "in" is a stop word: it may be anything
    ],
)
def test_phrases_of_several_words(client, phrase, pattern):
    expected = paragraphs_matching(pattern)
    assert expected
    assert hit_ids(api(client, q=phrase)) == expected


def test_response_shape(client):
    data = api(client, q="Corbyn")
    assert set(data) >= {"count", "page", "num_pages", "results", "facets", "suggestion"}
    assert set(data["facets"]) == {"article", "section", "author", "year", "tag"}
    hit = data["results"][0]
    assert set(hit) == {
        "paragraph_id",
        "article",
        "section",
        "position",
        "snippet",
        "url",
        "score",
    }
    assert set(hit["section"]) == {"number", "title"}
    paragraph = Paragraph.objects.get(pk=hit["paragraph_id"])
    assert hit["position"] == paragraph.position
    assert hit["section"] == {"number": paragraph.section.number, "title": paragraph.section.title}


@on_each_backend
def test_stemming_finds_other_forms(client):
    plural = api(client, q="elections")
    singular_only = paragraphs_matching(r"\belection\b") - paragraphs_matching(r"\belections\b")
    assert singular_only, "the corpus has paragraphs with only the singular"
    assert singular_only <= hit_ids(plural) | set()  # first page holds them all (18 hits)
    assert plural["count"] == api(client, q="election")["count"]
    assert "<mark>election</mark>" in " ".join(h["snippet"] for h in plural["results"])


def test_all_words_must_match(client):
    both = hit_ids(api(client, q="Lansman Momentum"))
    assert both
    assert both == paragraphs_matching("Lansman") & paragraphs_matching("Momentum")


@on_each_backend
def test_or_not_and_minus(client):
    blair = paragraphs_matching(r"\bBlair\b")
    brown = paragraphs_matching(r"\bBrown\b")
    assert api(client, q="Blair OR Brown")["count"] == len(blair | brown)
    without = api(client, q="Blair -Brown")
    assert without["count"] == len(blair - brown)
    assert api(client, q="Blair NOT Brown")["count"] == without["count"]
    # A hyphenated word is a word, not an exclusion.
    assert api(client, q="left-of-centre")["count"] == len(paragraphs_matching("left-of-centre"))


@on_each_backend
@pytest.mark.parametrize("q", ["Corbyn -Labour", "Corbyn NOT Labour", "Momentum -Corbyn"])
def test_an_exclusion_holds_from_the_first_match(client, q):
    """Whoosh's own AndNot kept the first paragraph that matched when the excluded word's
    postings had not reached it: "Corbyn -Labour" found paragraph 26, which says both."""
    keep, drop = (word for word in q.split() if word != "NOT")
    expected = paragraphs_matching(rf"\b{keep}") - paragraphs_matching(rf"\b{drop.lstrip('-')}")
    answer = api(client, q=q)
    assert answer["count"] <= 20  # one page holds them all
    assert hit_ids(answer) == expected


@on_each_backend
def test_prefix_and_fuzzy_search_the_unstemmed_text(client):
    prefix = api(client, q="govern*")
    assert prefix["count"] == len(paragraphs_matching(r"\bgovern"))
    fuzzy = api(client, q="goverment~")
    assert fuzzy["count"] == len(paragraphs_matching(r"\bgovernment\b"))
    assert "<mark>government</mark>" in " ".join(h["snippet"] for h in fuzzy["results"])


@on_each_backend
def test_did_you_mean(client):
    data = api(client, q="Momentm")
    assert data["count"] == 0
    assert data["suggestion"] == "momentum"
    assert api(client, q="Momentum")["suggestion"] is None
    assert api(client, q="Lansmn conference")["suggestion"] == "lansman conference"


def test_did_you_mean_reads_every_segment(client, write_file):
    # A second ingest commits a second segment; Whoosh's corrector treats a reader of
    # several segments differently from one, so ask for a word only the new one holds.
    text = article_text("Pterosaurs", ["Quetzalcoatlus was the largest of them."])
    call_command("ingest", str(write_file("more.txt", text)), stdout=io.StringIO())
    assert not indexing.backend().searcher().reader().is_atomic()
    assert api(client, q="Quetzalcoatlvs")["suggestion"] == "quetzalcoatlus"
    assert api(client, q="Momentm")["suggestion"] == "momentum"


def test_relevance_is_whooshs_own_bm25f_across_segments(client, write_file):
    # The backend scores from field lengths it keeps per segment: the scores must be the
    # ones Whoosh's own BM25F gives, segment by segment.
    text = article_text("More Labour", ["Labour and the unions: Labour's election."])
    call_command("ingest", str(write_file("more.txt", text)), stdout=io.StringIO())
    backend = indexing.backend()
    assert not backend.searcher().reader().is_atomic()
    for q in ["labour", "election OR government", '"New Labour"', "Corbyn momentum"]:
        with backend.index.searcher() as plain:
            query = backend.whoosh_query(syntax.parse(q).tree)
            expected = {int(hit["django_id"]): hit.score for hit in plain.search(query, limit=None)}
        results = api(client, q=q)["results"]
        assert results
        for hit in results:
            assert hit["score"] == pytest.approx(expected[hit["paragraph_id"]], rel=1e-9)


@on_each_backend
def test_facets_add_up_to_the_count(client):
    for q in ["labour", "Corbyn", "government OR election", '"prawn cocktail"', ""]:
        data = api(client, q=q)
        assert data["count"] > 0
        for name, buckets in data["facets"].items():
            assert sum(b["count"] for b in buckets) == data["count"], (q, name)


def test_facet_limit_folds_the_rest_into_one_bucket(client):
    full = api(client, q="labour", facet_limit=0)["facets"]
    data = api(client, q="labour", facet_limit=1)
    for name in ("article", "section", "year"):
        buckets = data["facets"][name]
        largest = max(full[name], key=lambda b: (b["count"], -ord(b["value"][0])))
        assert buckets[0] == largest, name
        assert buckets[1]["value"] == "__other__"
        assert buckets[1]["label"] == f"{len(full[name]) - 1} more"
        assert sum(b["count"] for b in buckets) == data["count"]


def test_facet_values_and_labels_are_exact(client):
    facets = api(client, q="labour")["facets"]
    assert {b["value"]: b["label"] for b in facets["article"]} == {
        NEW_LABOUR: "The rise and fall of New Labour",
        MOMENTUM: "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam",
    }
    assert {b["value"] for b in facets["author"]} == {"Anthony Giddens", NONE}
    assert {b["value"] for b in facets["year"]} == {"2010", "2017"}
    momentum = "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam"
    sections = {
        f"{MOMENTUM}:1": f"1. The Bus — {momentum}",
        f"{MOMENTUM}:2": f"2. The Conference — {momentum}",
        f"{MOMENTUM}:3": f"3. The HQ — {momentum}",
        f"{MOMENTUM}:4": f"4. The Fallout — {momentum}",
        NONE: "No numbered section",
    }
    labelled = {b["value"]: b["label"] for b in facets["section"]}
    assert labelled.items() <= sections.items() and NONE in labelled and len(labelled) > 2
    within = api(client, q="labour", article=MOMENTUM)["facets"]["section"]
    assert {b["value"]: b["label"] for b in within}.items() <= sections.items()


def test_sections_of_different_articles_are_different_values(client, write_file):
    text = article_text(
        "Another piece", ["1. The Count", "Labour lost.", "2. After", "Labour won."]
    )
    call_command("ingest", str(write_file("other.txt", text)), stdout=io.StringIO())
    buckets = api(client, q="labour", facet_limit=0)["facets"]["section"]
    ones = [b for b in buckets if b["value"].endswith(":1")]
    assert len(ones) == 2 and len({b["label"] for b in ones}) == 2
    for bucket in ones:
        data = api(client, q="labour", section=bucket["value"])
        assert data["count"] == bucket["count"]
        slug = bucket["value"].split(":")[0]
        assert {hit["article"]["slug"] for hit in data["results"]} == {slug}


def test_a_section_number_alone_still_filters_every_article_by_it(client):
    data = api(client, q="labour OR Corbyn", section="2")
    assert data["count"] > 0
    assert {hit["section"]["number"] for hit in data["results"]} == {2}
    html = client.get("/search/", {"q": "labour", "section": "2"}).content.decode()
    assert "Section: Section 2, any article" in html


@pytest.mark.parametrize(
    "params, chip",
    [
        ({"article": MOMENTUM}, "Article: Losing Momentum: how Jeremy Corbyn’s support"),
        ({"section": f"{MOMENTUM}:1"}, "Section: 1. The Bus — Losing Momentum"),
        ({"author": NONE}, "Author: No author"),
        ({"tag": NONE}, "Tag: Untagged"),
        ({"year": NONE, "q": "x"}, "Year: Undated"),
        ({"article": "no-such-article"}, "Article: no-such-article"),
    ],
)
def test_filter_chips_show_labels_not_values(client, params, chip):
    html = client.get("/search/", {"q": "labour", **params}).content.decode()
    chips = re.search(r'<ul class="chips".*?</ul>', html, re.S).group()
    assert chip in chips
    assert NONE not in re.sub(r'href="[^"]*"', "", chips)


@on_each_backend
@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("article", MOMENTUM, lambda p: p.article.slug == MOMENTUM),
        ("section", "2", lambda p: p.section.number == 2),
        ("section", f"{MOMENTUM}:2", lambda p: p.section.number == 2),
        ("section", NONE, lambda p: p.section.number is None),
        ("author", "Anthony Giddens", lambda p: p.article.author == "Anthony Giddens"),
        ("author", NONE, lambda p: p.article.author == ""),
        ("year", "2017", lambda p: p.article.issue_date.year == 2017),
    ],
)
def test_each_filter(client, name, value, expected):
    data = api(client, q="labour OR Corbyn", **{name: value})
    matching = {p.pk for p in Paragraph.objects.select_related("article", "section") if expected(p)}
    assert data["count"] == len(matching & paragraphs_matching(r"\b(labour|corbyn)\b"))
    assert data["count"] > 0
    assert hit_ids(data) <= matching


def test_tag_filter_before_any_annotation(client):
    assert api(client, q="labour", tag=NONE)["count"] == api(client, q="labour")["count"]
    assert api(client, q="labour", tag="no-such-tag")["count"] == 0


@on_each_backend
def test_paging(client):
    first = api(client, q="labour")
    assert first["count"] > 40 and first["num_pages"] == 3 and first["page"] == 1
    pages = [first] + [api(client, q="labour", page=n) for n in (2, 3)]
    ids = [hit_ids(page) for page in pages]
    assert [len(i) for i in ids] == [20, 20, first["count"] - 40]
    assert not (ids[0] & ids[1]) and not (ids[1] & ids[2])
    assert set().union(*ids) == paragraphs_matching(r"\blabour\b")
    missing = client.get("/api/search", {"q": "labour", "page": 4})
    assert missing.status_code == 404
    assert "last page is 3" in missing.json()["detail"]


@on_each_backend
def test_sort_by_document_order(client):
    data = api(client, q="labour", sort="document")
    order = [
        (0 if h["article"]["slug"] == NEW_LABOUR else 1, h["position"]) for h in data["results"]
    ]
    assert order == sorted(order)
    assert all(h["score"] is None for h in data["results"])
    relevance = api(client, q="labour")
    scores = [h["score"] for h in relevance["results"]]
    assert scores == sorted(scores, reverse=True)


def test_empty_query_browses_in_document_order(client):
    data = api(client, q="", article=MOMENTUM)
    assert data["count"] == 53
    assert [h["position"] for h in data["results"]] == list(range(1, 21))


@on_each_backend
@pytest.mark.parametrize("q", ["Schroder", "Schröder", "SCHRODER", "schrod*", "Schroeder~"])
def test_accents_are_folded_for_matching_only(client, q):
    data = api(client, q=q)
    assert hit_ids(data) == paragraphs_matching("schröder")
    (hit,) = data["results"]
    assert "<mark>Schröder</mark>" in hit["snippet"]


def test_the_fast_accent_fold_folds_as_whooshs_charset_filter_after_lowercasing():
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
    from whoosh.support.charset import accent_map

    from search.backends.whoosh.schema import FOLD

    text = "".join(map(chr, range(32, 127))) + " Schröder Ñandú ÆSIR straße İstanbul ǅemal ﬁnal"
    words = RegexTokenizer(r"\S+") | LowercaseFilter()

    def folded(fold):
        return [token.text for token in (words | fold)(text)]

    assert folded(FOLD) == folded(CharsetFilter(accent_map))
    assert "schroder" in folded(FOLD)


def test_did_you_mean_reads_accented_words_folded(client):
    html = client.get("/search/", {"q": "Schrödr"}).content.decode()
    assert 'Did you mean <a href="?q=schroder">schroder</a>?' in html


@pytest.mark.parametrize("q", ["labour", "press", "party", "Corbyn", "said"])
def test_snippets_begin_and_end_at_word_boundaries(client, q):
    results = api(client, q=q)["results"]
    assert results
    for hit in results:
        text = Paragraph.objects.get(pk=hit["paragraph_id"]).text
        plain = html_lib.unescape(re.sub(r"</?mark>", "", hit["snippet"]))
        for piece in plain.strip(" …").split(" … "):
            start = text.index(piece)
            end = start + len(piece)
            assert start == 0 or text[start - 1].isspace(), (piece, text[start - 10 : start])
            assert end == len(text) or text[end].isspace(), (piece, text[end : end + 10])
