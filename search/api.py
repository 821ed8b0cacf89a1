from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.models import Tag
from annotations.permissions import Viewer
from search.fields import NONE
from search.query import PageOutOfRange, SearchRequest, search
from search.serializers import SearchParamsSerializer, SearchResponseSerializer


def search_request(params: dict, viewer: Viewer) -> SearchRequest:
    filters = {name: params[name] for name in SearchParamsSerializer.FILTERS if params.get(name)}
    if filters.get("tag") and filters["tag"] != NONE:
        filters["tag"] = tag_slug(filters["tag"], viewer)
    return SearchRequest(
        q=params["q"],
        page=params["page"],
        sort=params["sort"],
        filters=filters,
        facet_limit=params["facet_limit"],
    )


def tag_slug(value: str, viewer: Viewer) -> str:
    """A tag the viewer may see, given by slug or by name (any case), as its slug; any
    other value as it was given, so that a tag they may not see looks like no tag."""
    tag = viewer.tag_named(Tag.objects.all(), value)
    return tag.slug if tag else value


class SearchView(APIView):
    """Full-text search over every paragraph, with facets, snippets and suggestions."""

    @extend_schema(parameters=[SearchParamsSerializer], responses=SearchResponseSerializer)
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            viewer = Viewer.of(request.user)
            outcome = search(search_request(params.validated_data, viewer), viewer)
        except PageOutOfRange as error:
            raise NotFound(str(error)) from None
        return Response(SearchResponseSerializer(outcome, context={"request": request}).data)
