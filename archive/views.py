from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from archive.models import Article

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
