"""Signing up, your account (password, API token) and lockouts; logging in and out are
Django's own views."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from rest_framework import parsers, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError

from annotations.usernames import check_new_username
from commonplace.api import JSONParser
from commonplace.errors import API_PREFIX


class SignupForm(UserCreationForm):
    def clean_username(self) -> str:
        """No name that reads as an existing user's (errors show under the field)."""
        username = super().clean_username()  # None once Django found the same name
        return check_new_username(username) if username else username


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.COMMONPLACE_SIGNUP_ENABLED:
        raise Http404("Sign-up is closed on this server.")
    if request.user.is_authenticated:
        return redirect("archive:home")
    form = SignupForm(request.POST or None)
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
def account(request: HttpRequest) -> HttpResponse:
    """Your account: change your password; see your API token."""
    form = PasswordChangeForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay logged in here, only here
        messages.success(request, "Your password is changed. Other sessions are logged out.")
        return redirect("accounts:account")
    token, _ = Token.objects.get_or_create(user=request.user)
    return render(request, "registration/account.html", {"form": form, "token": token})


class NewTokenForm(forms.Form):
    confirm = forms.BooleanField(
        required=True, label="Yes, stop my current token working and make a new one"
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Make a new API token, which retires the old one: only once the caller confirms,
    since every script using the old one stops working."""
    form = NewTokenForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        Token.objects.filter(user=request.user).delete()
        Token.objects.create(user=request.user)
        messages.success(request, "Your old token no longer works; here is a new one.")
        return redirect(f"{reverse('accounts:account')}#token")
    token, _ = Token.objects.get_or_create(user=request.user)
    return render(request, "registration/token.html", {"form": form, "token": token})


def _posted(request: HttpRequest):
    """The form's data: an empty POST is a submitted form too, whose errors must show."""
    return request.POST if request.method == "POST" else None


class TokenRequest(AuthTokenSerializer):
    # No username is longer than the user model's: a longer one is refused here, before
    # django-axes records the attempt in a column it would not fit (a 500 on PostgreSQL).
    username = serializers.CharField(label="Username", write_only=True, max_length=150)


class ObtainToken(ObtainAuthToken):
    """Trade a username and password (form fields or JSON) for your API token."""

    serializer_class = TokenRequest

    # DRF's view names its own parsers, so the project's defaults do not reach it.
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, JSONParser)

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes marks the request it was given, which here is DRF's, not the
            # HttpRequest its middleware looks at: answer the lockout here.
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            raise


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login: JSON 429 under /api/, a page elsewhere."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        "Too many failed attempts to log in with this username from your address. "
        f"Logging in is paused for {minutes} minutes; each further try starts the wait again."
    )
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=429)
    else:
        context = {"message": message, "minutes": minutes}
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def client_ip(request: HttpRequest) -> str | None:
    """The address a lockout counts by: the proxy's word for it when behind one."""
    if settings.COMMONPLACE_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if forwarded[-1].strip():
            return forwarded[-1].strip()  # what the client wrote comes before it
    return request.META.get("REMOTE_ADDR")
