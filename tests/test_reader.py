"""The reader's pages: home, the article list and an article."""

import io
import re

import pytest
from django.core.management import call_command

from archive.models import Article, Paragraph
from tests.conftest import MOMENTUM, NEW_LABOUR, article_text


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
        article_text('<script>alert("t")</script>', ['<script>alert("p")</script> <b>b</b>']),
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
