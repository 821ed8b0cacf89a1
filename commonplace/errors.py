"""Errors: JSON under /api/, the site's own pages everywhere else.

The page handlers are Django's handler400/403/404/500, for what escapes a view: a body
over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host header, an unknown URL, a crash. The API's
views answer their own errors through `exception_handler`.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from haystack.exceptions import SearchBackendError
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler as drf_exception_handler
from whoosh.index import IndexError as WhooshIndexError

from search import backends as search_backends

API_PREFIX = "/api/"
logger = logging.getLogger(__name__)


def _search_failures() -> tuple[type[Exception], ...]:
    """What a search backend raises when its index cannot be reached or read: the index
    unreadable (SearchUnavailable, Whoosh's index errors, a file gone from under an open
    searcher: OSError), haystack's errors, and Elasticsearch's when it is installed."""
    failures: list[type[Exception]] = [
        search_backends.SearchUnavailable,
        OSError,
        WhooshIndexError,
        SearchBackendError,
    ]
    try:
        from elasticsearch.exceptions import ElasticsearchException
    except ImportError:
        pass
    else:
        failures.append(ElasticsearchException)
    return tuple(failures)


SEARCH_FAILURES = _search_failures()


class ServiceUnavailable(APIException):
    status_code = 503
    default_detail = search_backends.SearchUnavailable.message
    default_code = "search_unavailable"


def exception_handler(exc: Exception, context: dict):
    """DRF's handler, where a failing search backend is a 503 with a message, not a 500."""
    if isinstance(exc, SEARCH_FAILURES):
        logger.error("The search backend failed", exc_info=exc)
        exc = ServiceUnavailable()
    return drf_exception_handler(exc, context)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _answer(request, 413, f"The request is too large: the limit is {limit:,} bytes.")
    return _answer(request, 400, "The request could not be read.")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _answer(request, 403, "You may not do that.", with_request=True)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _answer(request, 404, "There is nothing at this address.", with_request=True)


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(request, 500, "Something went wrong on our side; it has been logged.")


def _answer(
    request: HttpRequest, status: int, message: str, with_request: bool = False
) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=status)
    # 400 and 500 render without the request: a broken session, database or Host header
    # must not break the page that reports it.
    template = f"{status if status != 413 else 400}.html"
    html = render_to_string(
        template, {"message": message}, request=request if with_request else None
    )
    return HttpResponse(html, status=status)
