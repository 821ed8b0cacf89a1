from functools import partial

from django.conf import settings
from django.http import HttpRequest

from archive.receiving import may_add_articles


def site(request: HttpRequest) -> dict:
    return {
        "signup_enabled": settings.COMMONPLACE_SIGNUP_ENABLED,
        # Called by the template only where a page asks (a permission may cost a query).
        "can_add_articles": partial(may_add_articles, request.user),
    }
