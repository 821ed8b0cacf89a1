from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from search.query import PageOutOfRange, SearchRequest, search
from search.serializers import SearchParamsSerializer, SearchResponseSerializer


def search_request(params: dict) -> SearchRequest:
    filters = {name: params[name] for name in SearchParamsSerializer.FILTERS if params.get(name)}
    return SearchRequest(
        q=params["q"],
        page=params["page"],
        sort=params["sort"],
        filters=filters,
        facet_limit=params["facet_limit"],
    )


class SearchView(APIView):
    """Full-text search over every paragraph, with facets, snippets and suggestions."""

    @extend_schema(parameters=[SearchParamsSerializer], responses=SearchResponseSerializer)
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            outcome = search(search_request(params.validated_data))
        except PageOutOfRange as error:
            raise NotFound(str(error)) from None
        return Response(SearchResponseSerializer(outcome, context={"request": request}).data)
