"""Response headers that every page and API answer gets unless its view chose otherwise."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NO_STORE = "private, no-store"


class PrivateByDefaultMiddleware:
    """`Cache-Control: private, no-store` on every dynamic response that sets none.

    Pages, exports and API answers hold what one reader may see (private notes, a token):
    no shared cache, and no browser cache either, may keep them. A view that wants caching
    says so itself. It sits below WhiteNoise, whose static files keep their own headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response
