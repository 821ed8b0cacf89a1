import logging

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.models import Tag
from search.backends import SearchUnavailable
from search.fields import NONE
from search.query import PageOutOfRange, SearchRequest, search
from search.serializers import SearchParamsSerializer, SearchResponseSerializer
from search.tagging import Viewer

logger = logging.getLogger(__name__)


def search_request(params: dict) -> SearchRequest:
    filters = {name: params[name] for name in SearchParamsSerializer.FILTERS if params.get(name)}
    if filters.get("tag") and filters["tag"] != NONE:
        filters["tag"] = tag_slug(filters["tag"])
    return SearchRequest(
        q=params["q"],
        page=params["page"],
        sort=params["sort"],
        filters=filters,
        facet_limit=params["facet_limit"],
    )


def tag_slug(value: str) -> str:
    """A tag given by slug or by name (any case), as its slug."""
    tag = Tag.objects.filter(Q(slug=value) | Q(name__iexact=value)).order_by("pk").first()
    return tag.slug if tag else value


class SearchView(APIView):
    """Full-text search over every paragraph, with facets, snippets and suggestions."""

    @extend_schema(parameters=[SearchParamsSerializer], responses=SearchResponseSerializer)
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            outcome = search(search_request(params.validated_data), Viewer.of(request.user))
        except PageOutOfRange as error:
            raise NotFound(str(error)) from None
        except SearchUnavailable:
            logger.exception("Search failed")
            return Response({"detail": SearchUnavailable.message}, status=503)
        return Response(SearchResponseSerializer(outcome, context={"request": request}).data)
