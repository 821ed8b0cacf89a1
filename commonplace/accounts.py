"""Signing up and API tokens; logging in and out are Django's own views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from rest_framework import parsers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken

from commonplace.api import JSONParser


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.COMMONPLACE_SIGNUP_ENABLED:
        raise Http404("Sign-up is closed on this server.")
    if request.user.is_authenticated:
        return redirect("archive:home")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Select a passage to annotate it.")
        return redirect(_next_url(request))
    return render(request, "registration/signup.html", {"form": form, "next": _next_url(request)})


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("archive:home")


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Show the caller's API token; POST makes a new one and retires the old."""
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        Token.objects.create(user=request.user)
        messages.success(request, "Your old token no longer works; here is a new one.")
        return redirect("accounts:token")
    token, _ = Token.objects.get_or_create(user=request.user)
    return render(request, "registration/token.html", {"token": token})


class ObtainToken(ObtainAuthToken):
    """Trade a username and password (form fields or JSON) for your API token."""

    # DRF's view names its own parsers, so the project's defaults do not reach it.
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, JSONParser)
