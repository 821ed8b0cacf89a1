from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotations.models import Annotation
from annotations.reader import reader_context
from archive.models import Article, Paragraph, Section
from search.highlighting import Highlighter
from search.syntax import MAX_QUERY_CHARS, parse

ARTICLES_PER_PAGE = 50


def home(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.with_counts()
    return render(
        request,
        "archive/home.html",
        {"articles": articles[:ARTICLES_PER_PAGE], "articles_count": articles.count()},
    )


def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Article.objects.with_counts(), ARTICLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "archive/article_list.html", {"page": page})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    paragraphs = Paragraph.objects.order_by("position")
    sections = Section.objects.order_by("order").prefetch_related(
        Prefetch("paragraphs", queryset=paragraphs)
    )
    article = get_object_or_404(
        Article.objects.prefetch_related(Prefetch("sections", queryset=sections)), slug=slug
    )
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    matches = 0
    if query:
        matches = _mark_matches(article, Highlighter(parse(query).tree))
    reader = reader_context(request, article)
    context = {
        "article": article,
        "query": query,
        "matches": matches,
        "reader_context": reader,
        "article_filter": {"article": article.slug},
        "fixing": Annotation.objects.filter(pk=reader["fix"]).first() if reader["fix"] else None,
    }
    return render(request, "archive/article_detail.html", context)


def _mark_matches(article: Article, highlighter: Highlighter) -> int:
    """Give each paragraph an escaped, marked-up copy of its text; count those that match."""
    matches = 0
    for section in article.sections.all():
        for paragraph in section.paragraphs.all():
            paragraph.marked = highlighter.mark(paragraph.text)
            matches += "<mark>" in paragraph.marked
    return matches
