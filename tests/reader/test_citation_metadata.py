"""What reference managers read from the reader's page: Highwire Press <meta> tags in its
<head> and a COinS span (commonplace/embedded_metadata.py), read here with an HTML parser
and urllib, as Zotero's translators would read them."""

from urllib.parse import parse_qs

import lxml.html
import pytest

from archive.models import Article
from commonplace.embedded_metadata import coins, highwire_tags
from tests.conftest import MOMENTUM, NEW_LABOUR

pytestmark = pytest.mark.usefixtures("ingested")
NEW_LABOUR_URL = f"http://testserver/articles/{NEW_LABOUR}/"


def page(client, slug: str, query: str = ""):
    response = client.get(f"/articles/{slug}/{query}")
    assert response.status_code == 200
    return lxml.html.document_fromstring(response.content.decode())


def meta_tags(document) -> dict[str, list[str]]:
    """Each <meta name> of the page's <head>, with its contents in order."""
    tags = {}
    for meta in document.head.iter("meta"):
        if meta.get("name"):
            tags.setdefault(meta.get("name"), []).append(meta.get("content"))
    return tags


def context_object(document) -> dict[str, list[str]]:
    (span,) = document.find_class("Z3988")
    assert span.tag == "span" and span.get("hidden") is not None
    assert span.text is None and len(span) == 0  # empty: nothing for a reader to see
    return parse_qs(span.get("title"), strict_parsing=True)


def test_the_head_carries_highwire_tags(client):
    article = Article.objects.get(slug=NEW_LABOUR)
    tags = meta_tags(page(client, NEW_LABOUR))
    assert tags["citation_title"] == ["The rise and fall of New Labour"]
    assert tags["citation_author"] == ["Giddens, Anthony"]
    assert tags["citation_publication_date"] == ["2010/05/17"]
    assert tags["citation_journal_title"] == ["New Statesman"]
    assert tags["citation_public_url"] == [NEW_LABOUR_URL]
    assert tags["citation_abstract"] == [article.standfirst]
    assert "citation_doi" not in tags  # it has none
    assert "DC.type" not in tags  # a magazine: citation_journal_title names it


def test_the_public_url_is_the_page_without_its_query(client):
    tags = meta_tags(page(client, NEW_LABOUR, "?q=labour&annotation=3"))
    assert tags["citation_public_url"] == [NEW_LABOUR_URL]
    assert context_object(page(client, NEW_LABOUR, "?q=labour"))["rft_id"] == [NEW_LABOUR_URL]


def test_the_coins_span_parses_back_to_the_article(client):
    fields = context_object(page(client, NEW_LABOUR))
    assert fields == {
        "ctx_ver": ["Z39.88-2004"],
        "rft_val_fmt": ["info:ofi/fmt:kev:mtx:journal"],
        "rft.genre": ["article"],
        "rft.atitle": ["The rise and fall of New Labour"],
        "rft.jtitle": ["New Statesman"],
        "rft.date": ["2010-05-17"],
        "rft.aulast": ["Giddens"],
        "rft.aufirst": ["Anthony"],
        "rft_id": [NEW_LABOUR_URL],
    }


def test_an_article_without_author_names_nobody(client):
    document = page(client, MOMENTUM)
    tags = meta_tags(document)
    assert "citation_author" not in tags
    assert tags["citation_title"] == [
        "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam"
    ]
    assert tags["citation_publication_date"] == ["2017/03/23"]
    fields = context_object(document)
    assert not {"rft.aulast", "rft.aufirst", "rft.au"} & set(fields)
    assert fields["rft.atitle"] == tags["citation_title"]


def test_a_doi_is_given_both_ways(client):
    article = Article.objects.get(slug=NEW_LABOUR)
    article.doi = "10.1000/ns.2010.0517"
    article.save()
    document = page(client, NEW_LABOUR)
    assert meta_tags(document)["citation_doi"] == ["10.1000/ns.2010.0517"]
    assert context_object(document)["rft_id"] == [NEW_LABOUR_URL, "info:doi/10.1000/ns.2010.0517"]


def test_each_author_is_a_tag_family_name_first(client):
    article = Article.objects.get(slug=NEW_LABOUR)
    article.author = "Anthony Giddens and Vincent van Gogh"
    article.save()
    document = page(client, NEW_LABOUR)
    assert meta_tags(document)["citation_author"] == ["Giddens, Anthony", "van Gogh, Vincent"]
    fields = context_object(document)
    assert (fields["rft.aulast"], fields["rft.aufirst"]) == (["Giddens"], ["Anthony"])
    assert fields["rft.au"] == ["van Gogh, Vincent"]


def test_a_newspaper_article_is_typed_as_zotero_reads_a_newspaper(client):
    article = Article.objects.get(slug=NEW_LABOUR)
    article.publication_type = Article.PublicationType.NEWSPAPER
    article.publication = "The Guardian"
    article.save()
    document = page(client, NEW_LABOUR)
    tags = meta_tags(document)
    # citation_journal_title would make any page a Journal Article in Zotero.
    assert "citation_journal_title" not in tags
    assert tags["DC.type"] == ["newspaperArticle"]
    assert tags["prism.publicationName"] == ["The Guardian"]
    assert tags["citation_title"] == ["The rise and fall of New Labour"]
    fields = context_object(document)
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"]
    assert fields["rft.type"] == ["newspaperArticle"]
    assert fields["rft.title"] == ["The rise and fall of New Labour"]
    assert fields["rft.source"] == ["The Guardian"]
    assert "rft.jtitle" not in fields and "rft.atitle" not in fields


HOSTILE = 'Quotes " and \' <script>alert("t")</script> & a+b'


def test_hostile_text_stays_text(client):
    article = Article.objects.get(slug=NEW_LABOUR)
    article.title = HOSTILE
    article.author = 'Eve "<b>" O\'Hara'
    article.save()
    response = client.get(f"/articles/{NEW_LABOUR}/")
    html = response.content.decode()
    assert '<script>alert("t")' not in html and "<b>" not in html
    document = lxml.html.document_fromstring(html)
    tags = meta_tags(document)
    assert tags["citation_title"] == [HOSTILE]
    assert tags["citation_author"] == ['O\'Hara, Eve "<b>"']
    assert context_object(document)["rft.atitle"] == [HOSTILE]
    # Only the page's own two scripts: the data block and the module.
    assert len(document.xpath("//script")) == 2
    assert HOSTILE in document.get_element_by_id("cite-apa").text_content()


def item(**fields) -> dict:
    """A CSL-JSON item as archive.references writes one."""
    return {
        "id": "key",
        "type": "article-magazine",
        "title": "A title",
        "URL": "https://example.org/articles/a/",
        **fields,
    }


def test_a_lone_author_whose_comma_zotero_would_split_is_written_in_reading_order():
    """Zotero reads the only citation_author of a page as two people when both sides of
    its comma hold a space."""
    van_gogh = {"family": "Gogh", "non-dropping-particle": "van", "given": "Vincent Willem"}
    alone = dict(highwire_tags(item(author=[van_gogh])))
    assert alone["citation_author"] == "Vincent Willem van Gogh"
    together = highwire_tags(item(author=[van_gogh, {"family": "Roulin", "given": "Joseph"}]))
    authors = [content for name, content in together if name == "citation_author"]
    assert authors == ["van Gogh, Vincent Willem", "Roulin, Joseph"]


def test_a_suffix_and_a_one_word_name():
    king = {"family": "King", "given": "Martin Luther", "suffix": "Jr."}
    tags = highwire_tags(item(author=[king, {"literal": "Bagehot"}]))
    authors = [content for name, content in tags if name == "citation_author"]
    # Zotero takes the first two parts of a name with commas: family, then given.
    assert authors == ["King, Martin Luther, Jr.", "Bagehot"]
    fields = parse_qs(coins(item(author=[{"literal": "Bagehot"}, king])))
    assert fields["rft.au"] == ["Bagehot", "King, Martin Luther, Jr."]
    assert "rft.aulast" not in fields
