"""The reader's pages: home, the article list and an article."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.anchoring import Passage, Position
from annotations.models import Annotation, article_text
from annotations.tagging import set_tags
from archive.models import Article, Paragraph
from tests.conftest import MOMENTUM, NEW_LABOUR
from tests.conftest import article_text as corpus_format


def test_home_invites_and_lists(client, ingested):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The rise and fall of New Labour" in html
    assert "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam" in html
    assert f'href="/articles/{MOMENTUM}/"' in html


def test_article_list_page(client, ingested):
    html = client.get("/articles/").content.decode()
    assert "Anthony Giddens" in html
    assert "17 May 2010" in html and "23 March 2017" in html
    assert "25 paragraphs" in html and "53 paragraphs" in html
    assert "The architect of the Third Way argues" in html


@pytest.mark.django_db
def test_article_list_on_an_empty_archive(client):
    html = client.get("/articles/").content.decode()
    assert "No articles yet" in html


def test_article_page(client, ingested):
    response = client.get(f"/articles/{MOMENTUM}/")
    assert response.status_code == 200
    html = response.content.decode()
    article = Article.objects.get(slug=MOMENTUM)
    assert "<h1>Losing Momentum: how Jeremy Corbyn’s support group ran out of steam</h1>" in html
    assert "Tom Watson says it is destroying Labour." in html
    assert "23 March 2017" in html and "Trump&#x27;s permanent revolution" in html
    for paragraph in article.paragraphs.all():
        assert f'id="p-{paragraph.pk}"' in html
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    assert [m for m in re.findall(r">(\d\. [^<]+)</a>", toc)] == [
        "1. The Bus",
        "2. The Conference",
        "3. The HQ",
        "4. The Fallout",
    ]
    assert 'class="paragraph paragraph--correction"' in html


def test_article_page_shows_byline_and_bio(client, ingested):
    html = client.get(f"/articles/{NEW_LABOUR}/").content.decode()
    assert "By Anthony Giddens" in html
    assert "is a former director of the London School of Economics" in html
    assert '<nav class="toc"' not in html  # one unnumbered section needs no contents


def test_paragraph_anchor_holds_exactly_the_text(client, ingested):
    paragraph = Paragraph.objects.get(article__slug=MOMENTUM, position=1)
    html = client.get(f"/articles/{MOMENTUM}/").content.decode()
    match = re.search(
        rf'<p id="p-{paragraph.pk}"[^>]*>.*?<span class="paragraph-text">(.*?)</span>', html
    )
    assert match.group(1) == paragraph.text


def test_unknown_article_is_404(client, ingested):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_markup_in_text_is_escaped(client, db, write_file):
    path = write_file(
        "x.txt",
        corpus_format('<script>alert("t")</script>', ['<script>alert("p")</script> <b>b</b>']),
    )
    call_command("ingest", str(path), stdout=io.StringIO())
    article = Article.objects.get()
    for url in ("/", "/articles/", article.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    html = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;p&quot;)&lt;/script&gt; &lt;b&gt;b&lt;/b&gt;" in html
    api = client.get(f"/api/articles/{article.slug}").json()
    assert api["sections"][0]["paragraphs"][0]["text"] == '<script>alert("p")</script> <b>b</b>'


def _annotate_paragraphs(user, paragraphs, *, tags=(), visibility="private"):
    """One annotation on the start of each paragraph, and one across each pair."""
    text = article_text(paragraphs[0].article_id)
    made = []
    for first, second in zip(paragraphs, [*paragraphs[1:], None], strict=True):
        end = Position(second.pk, 4) if second else Position(first.pk, 8)
        annotation = Annotation(owner=user, article_id=first.article_id, visibility=visibility)
        annotation.place(Passage(Position(first.pk, 0), end), text)
        annotation.save()
        set_tags(annotation, tags)
        made.append(annotation)
    return made


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_page_queries_the_same_for_one_annotation_or_many(client_for, users, ingested):
    paragraphs = list(Paragraph.objects.filter(article__slug=MOMENTUM).order_by("position"))
    owner = client_for(users.owner)
    url = f"/articles/{MOMENTUM}/?q=labour"
    _annotate_paragraphs(users.owner, paragraphs[:1], tags=["City"])
    one = _queries(owner, url)
    _annotate_paragraphs(users.owner, paragraphs[1:30], tags=["City", "Finance", "Bus"])
    _annotate_paragraphs(users.other, paragraphs[30:], tags=["Shared"], visibility="shared")
    data = _queries(owner, url)
    assert len(data) == len(one), "\n".join(data)
    html = owner.get(url).content.decode()
    assert html.count('"quote":') == 1 + 29 + (len(paragraphs) - 30)


def test_the_page_queries_are_few(
    client, client_for, users, ingested, django_assert_max_num_queries
):
    paragraphs = list(Paragraph.objects.filter(article__slug=MOMENTUM).order_by("position"))
    _annotate_paragraphs(users.owner, paragraphs, tags=["City", "Finance"])
    # The session and its user; the article, its sections, their paragraphs; the
    # annotations and their tags; the tags in use (for suggestions).
    owner = client_for(users.owner)
    with django_assert_max_num_queries(8):
        assert owner.get(f"/articles/{MOMENTUM}/?q=bus").status_code == 200
    with django_assert_max_num_queries(3):  # no annotations or tags to show a visitor
        assert client.get(f"/articles/{MOMENTUM}/").status_code == 200


def test_the_original_is_linked_when_it_is_a_web_address(client, ingested):
    from archive.models import Article

    article = Article.objects.get(slug=NEW_LABOUR)
    article.original_url = "https://www.newstatesman.com/politics/2010/05/new-labour"
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        'First published at <a href="https://www.newstatesman.com/politics/2010/05/new-labour" '
        'rel="noopener noreferrer">'
    ) in page
    Article.objects.filter(pk=article.pk).update(original_url="javascript:alert(1)")
    assert "First published at" not in client.get(article.get_absolute_url()).content.decode()
