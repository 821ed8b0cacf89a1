"""Shared pieces of the JSON API, named in settings.REST_FRAMEWORK (so: no views here)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination


class CountedPagination(PageNumberPagination):
    """{"count", "next", "previous", "results"}: count is always the whole total."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, where a document nested too deeply is bad JSON like any other.

    Python's decoder recurses once per level and raises RecursionError, which is not a
    ValueError, so DRF let it through as a 500; `[` * 100,000 is 100 KB.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
