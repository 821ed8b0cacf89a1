"""Shared pieces of the JSON API."""

from rest_framework.pagination import PageNumberPagination


class CountedPagination(PageNumberPagination):
    """{"count", "next", "previous", "results"}: count is always the whole total."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
