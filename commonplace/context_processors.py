from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"signup_enabled": settings.COMMONPLACE_SIGNUP_ENABLED}
