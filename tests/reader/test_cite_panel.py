"""The reader's Cite panel (commonplace/citing.py, templates/commonplace/_cite.html): the
reference in four styles, the citation key, and links to the three reference files; it
works without JavaScript, and formats each reference once a day, not once a view."""

import json
from datetime import date

import lxml.html
import pytest
from django.core.cache import cache

from archive import styles
from archive.models import Article
from archive.reference_files import REFERENCE_FILES
from tests.conftest import MOMENTUM, NEW_LABOUR

pytestmark = pytest.mark.usefixtures("ingested")
NEW_LABOUR_URL = f"http://testserver/articles/{NEW_LABOUR}/"
MOMENTUM_TITLE = "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam"


def panel(client, slug: str):
    response = client.get(f"/articles/{slug}/")
    assert response.status_code == 200
    document = lxml.html.document_fromstring(response.content.decode())
    return document.get_element_by_id("cite")


def references(cite) -> dict[str, str]:
    """Each style's label and its reference as text."""
    labels = [dt.text_content() for dt in cite.find_class("cite__label")]
    texts = [p.text_content() for p in cite.find_class("cite__reference")]
    return dict(zip(labels, texts, strict=False))


def test_the_panel_cites_the_article_in_four_styles(client):
    cite = panel(client, NEW_LABOUR)
    shown = references(cite)
    assert list(shown) == [
        "APA (7th ed.)",
        "Chicago (author-date)",
        "MLA (9th ed.)",
        "Harvard (Cite Them Right)",
    ]
    assert shown["APA (7th ed.)"] == (
        f"Giddens, A. (2010, May 17). The rise and fall of New Labour. New Statesman. "
        f"{NEW_LABOUR_URL}"
    )
    assert shown["MLA (9th ed.)"].startswith("Giddens, Anthony.")
    assert shown["Chicago (author-date)"].startswith("Giddens, Anthony. 2010.")
    assert shown["Harvard (Cite Them Right)"].startswith("Giddens, A. (2010)")
    # The magazine's name in italics, as the styles set it.
    apa = cite.get_element_by_id("cite-apa")
    assert [i.text for i in apa.iter("i")] == ["New Statesman"]


def test_an_anonymous_article_is_cited_by_its_title_once(client):
    apa = references(panel(client, MOMENTUM))["APA (7th ed.)"]
    assert apa.startswith(f"{MOMENTUM_TITLE}. (2017, March 23).")
    assert apa.count("Losing Momentum") == 1


def test_harvard_says_when_it_was_accessed_today(client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: date(2030, 1, 2))
    harvard = references(panel(client, NEW_LABOUR))["Harvard (Cite Them Right)"]
    assert harvard.endswith(f"Available at: {NEW_LABOUR_URL} (Accessed: 2 January 2030).")


def test_the_citation_key_is_shown_to_copy(client):
    cite = panel(client, NEW_LABOUR)
    assert cite.get_element_by_id("cite-key").text_content() == "giddens2010rise"
    assert "@giddens2010rise" in cite.text_content()


def test_it_works_without_javascript(client):
    cite = panel(client, NEW_LABOUR)
    assert cite.tag == "details" and cite[0].tag == "summary"
    assert cite[0].text_content() == "Cite"
    # The Copy buttons need the script: it shows them.
    buttons = cite.xpath(".//button")
    assert len(buttons) == 5 and all(b.get("hidden") is not None for b in buttons)
    assert {b.get("data-copy") for b in buttons} == {
        "cite-apa",
        "cite-chicago",
        "cite-mla",
        "cite-harvard",
        "cite-key",
    }


def test_each_download_link_answers_its_file(client):
    links = panel(client, NEW_LABOUR).find_class("cite__downloads")[0].iter("a")
    offered = {link.text_content(): link.get("href") for link in links}
    assert list(offered) == ["CSL-JSON", "BibTeX", "RIS"]
    for label, reference_file in zip(offered, REFERENCE_FILES.values(), strict=True):
        response = client.get(offered[label])
        assert response.status_code == 200, label
        assert response["Content-Type"] == f"{reference_file.content_type}; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment;")
    (item,) = json.loads(client.get(offered["CSL-JSON"]).content)
    assert (item["citation-key"], item["URL"]) == ("giddens2010rise", NEW_LABOUR_URL)


def test_references_are_formatted_once_not_at_every_view(client, monkeypatch):
    cache.clear()
    calls = []
    real = styles.formatted

    def counted(items, style):
        calls.append(style)
        return real(items, style)

    monkeypatch.setattr("commonplace.citing.formatted", counted)
    cites = [panel(client, NEW_LABOUR) for _ in range(3)]
    assert calls == ["apa", "chicago", "mla", "harvard"]
    # Kept as safe HTML: the italics are markup, not text, when read back from the cache.
    assert [i.text for i in cites[-1].get_element_by_id("cite-apa").iter("i")] == ["New Statesman"]
    # A change to the article is a change to its item: formatted afresh.
    article = Article.objects.get(slug=NEW_LABOUR)
    article.title = "The fall and rise of New Labour"
    article.save()
    apa = references(panel(client, NEW_LABOUR))["APA (7th ed.)"]
    assert "The fall and rise of New Labour" in apa
    assert len(calls) == 8
