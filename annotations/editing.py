"""Editing and deleting an annotation from the lists (/annotations/, a tag's page), without
JavaScript: a form page and a confirmation page. A change goes through the API's
serializer, so that the index hears of it and the version bumps exactly as for PATCH; the
version the form was opened at plays the part of If-Match."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from annotations.changes import annotations_changed
from annotations.models import Annotation, Tag, tags_of
from annotations.permissions import Viewer
from annotations.serializers import (
    MAX_NOTE_CHARS,
    MAX_TAG_CHARS,
    MAX_TAGS,
    AnnotationSerializer,
)

STALE_MESSAGE = (
    "This annotation was changed elsewhere since you opened it, so nothing was saved. "
    "What you wrote is kept below; what is saved now is shown above it. Save again to "
    "replace it with yours."
)


def _version_field() -> forms.IntegerField:
    """The version the form was opened at: the page's If-Match."""
    lost = "This form lost track of the version it changes: open it again from the list."
    return forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"required": lost, "invalid": lost, "min_value": lost},
    )


class AnnotationEditForm(forms.Form):
    note = forms.CharField(
        required=False,
        strip=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: **bold**, *italic*, links.",
    )
    tags = forms.CharField(
        required=False,
        max_length=MAX_TAGS * (MAX_TAG_CHARS + 2),
        help_text="Separate tags with commas.",
    )
    visibility = forms.ChoiceField(
        choices=Annotation.Visibility.choices,
        widget=forms.RadioSelect,
        help_text="Shared: every signed-in reader sees it. Private: only you.",
    )
    version = _version_field()
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    @classmethod
    def opened(cls, annotation: Annotation, back: str) -> AnnotationEditForm:
        tags = ", ".join(tag.name for tag in tags_of(annotation))
        initial = {
            "note": annotation.note,
            "tags": tags,
            "visibility": annotation.visibility,
            "version": annotation.version,
            "next": back,
        }
        return cls(initial=initial)

    def changes(self) -> dict:
        """What the API would be sent in a PATCH."""
        data = self.cleaned_data
        tags = [name.strip() for name in data["tags"].split(",") if name.strip()]
        return {"note": data["note"], "tags": tags, "visibility": data["visibility"]}

    def at_version(self, version: int) -> AnnotationEditForm:
        """The same form, as written, now based on this version: saving again replaces it."""
        data = self.data.copy()
        data["version"] = str(version)
        return type(self)(data)


class AnnotationDeleteForm(forms.Form):
    version = _version_field()
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _editable(request, Annotation.objects.all(), pk)
    if request.method == "GET":
        form = AnnotationEditForm.opened(annotation, _back(request, request.GET.get("next")))
        return _edit_page(request, annotation, form)
    form = AnnotationEditForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, annotation, form, status=400)
    with transaction.atomic():
        annotation = _editable(request, Annotation.objects.select_for_update(of=("self",)), pk)
        if annotation.version != form.cleaned_data["version"]:
            messages.error(request, STALE_MESSAGE)
            form = form.at_version(annotation.version)
            return _edit_page(request, annotation, form, status=409, stale=True)
        serializer = AnnotationSerializer(
            annotation, data=form.changes(), partial=True, context={"request": request}
        )
        if not serializer.is_valid():
            for field, errors in serializer.errors.items():
                for message in _messages(errors):
                    form.add_error(field if field in form.fields else None, message)
            return _edit_page(request, annotation, form, status=400)
        serializer.save()
    messages.success(request, "The annotation is saved.")
    return redirect(_after(request, form.cleaned_data["next"]))


@login_required
@require_http_methods(["GET", "POST"])
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _editable(request, Annotation.objects.all(), pk)
    if request.method == "GET":
        back = _back(request, request.GET.get("next"))
        form = AnnotationDeleteForm(initial={"version": annotation.version, "next": back})
        return _delete_page(request, annotation, form)
    form = AnnotationDeleteForm(request.POST)
    if not form.is_valid():
        return _delete_page(request, annotation, form, status=400)
    with transaction.atomic():
        annotation = _editable(request, Annotation.objects.select_for_update(of=("self",)), pk)
        if annotation.version != form.cleaned_data["version"]:
            messages.error(
                request,
                "This annotation was changed elsewhere since you opened it, so it was not "
                "deleted. Here it is as it is now: delete it if you still mean to.",
            )
            data = {"version": annotation.version, "next": form.cleaned_data["next"]}
            return _delete_page(request, annotation, AnnotationDeleteForm(data), status=409)
        annotations_changed([annotation], tags_moved=True)  # while its tags are there
        annotation.delete()
    messages.success(request, "The annotation is deleted.")
    return redirect(_after(request, form.cleaned_data["next"]))


def _messages(errors) -> list[str]:
    """The serializer's messages for a field, flat: a list field nests them per item."""
    if isinstance(errors, dict):
        return [m for nested in errors.values() for m in _messages(nested)]
    if isinstance(errors, list):
        return [m for nested in errors for m in _messages(nested)]
    return [str(errors)]


def _editable(request: HttpRequest, annotations, pk: int) -> Annotation:
    """As the API answers: 404 for what the viewer may not see, 403 for what they see but
    may not change."""
    viewer = Viewer.of(request.user)
    annotation = get_object_or_404(viewer.readable(annotations.select_related("article")), pk=pk)
    if not viewer.may_edit(annotation):
        raise PermissionDenied("Only its owner, or staff, may change this annotation.")
    return annotation


def _edit_page(request, annotation, form, status: int = 200, stale: bool = False) -> HttpResponse:
    back = _back(request, form["next"].value())
    tags = tags_of(annotation)
    context = {"annotation": annotation, "form": form, "back": back, "stale": stale, "tags": tags}
    return render(request, "annotations/annotation_edit.html", context, status=status)


def _delete_page(request, annotation, form, status: int = 200) -> HttpResponse:
    back = _back(request, form["next"].value())
    context = {
        "annotation": annotation,
        "form": form,
        "back": back,
        "tags": tags_of(annotation),
    }
    return render(request, "annotations/annotation_delete.html", context, status=status)


def _back(request: HttpRequest, url: str | None) -> str:
    """Where the user came from, if it is a page of this site; else the list page. A
    control character anywhere is refused too: it cannot be sent in a Location header."""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    printable = url and not any(unicodedata.category(c).startswith("C") for c in url)
    return url if safe and printable else reverse("annotations:list")


def _after(request: HttpRequest, url: str | None) -> str:
    """Back where the user came from; the tag list instead of a tag's page that the
    change emptied, which would now be a 404."""
    back = _back(request, url)
    try:
        match = resolve(unquote(urlsplit(back).path))
    except Resolver404:
        return back
    emptied = match.view_name == "annotations:tag" and not (
        Viewer.of(request.user).tag_family(Tag.objects.all(), match.kwargs["slug"])
    )
    return reverse("annotations:tags") if emptied else back
