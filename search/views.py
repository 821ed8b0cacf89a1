import logging
from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations.permissions import Viewer
from archive.models import Article
from search import facets
from search.api import search_request
from search.backends import SearchUnavailable
from search.query import PageOutOfRange, SearchOutcome, search
from search.serializers import SearchParamsSerializer

logger = logging.getLogger(__name__)


def search_page(request: HttpRequest) -> HttpResponse:
    params = SearchParamsSerializer(data=request.GET)
    errors = []
    if not params.is_valid():
        # A page keeps going with what it can use and says what it dropped.
        errors = [
            f"{name}: {' '.join(map(str, problems))}" for name, problems in params.errors.items()
        ]
        valid = {k: v for k, v in request.GET.items() if k not in params.errors}
        params = SearchParamsSerializer(data=valid)
        params.is_valid()
    viewer = Viewer.of(request.user)
    search_req = search_request(params.validated_data, viewer)
    context = {"search": search_req, "errors": errors, "facet_titles": facets.TITLES}
    if search_req.is_blank:
        context["articles"] = Article.objects.with_counts()[:20]
        return render(request, "search/search.html", context)
    status = 200
    try:
        outcome = search(search_req, viewer)
    except PageOutOfRange as error:
        search_req = replace(search_req, page=error.last_page)
        outcome = search(search_req, viewer)
        context["search"] = search_req
    except SearchUnavailable:
        logger.exception("Search failed")
        outcome = SearchOutcome(request=search_req, messages=[SearchUnavailable.message])
        status = 503
    context["outcome"] = outcome
    context["facets"] = [(name, outcome.facets.get(name, [])) for name in facets.NAMES]
    # A search that found nothing has nothing to narrow: no empty column beside it.
    context["has_facets"] = any(buckets for _, buckets in context["facets"])
    return render(request, "search/search.html", context, status=status)
