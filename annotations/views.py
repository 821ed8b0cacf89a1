import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST, require_safe

from annotations import tagging
from annotations.changes import annotations_changed
from annotations.filters import AnnotationFilters, ExportForm
from annotations.formats import ExportError, Links, Reader, exporter
from annotations.models import (
    MAX_TAG_DESCRIPTION_CHARS,
    Annotation,
    Tag,
    attach_descriptions,
    tags_of,
    tags_visible_to,
)
from annotations.permissions import SHARED, Viewer
from annotations.serializers import MAX_TAG_CHARS
from archive.models import Article
from archive.styles import DEFAULT_STYLE

ANNOTATIONS_PER_PAGE = 50


def annotation_list(request: HttpRequest) -> HttpResponse:
    filters = AnnotationFilters(request.GET)
    if not filters.is_valid():
        return render(
            request, "annotations/bad_filters.html", {"problems": filters.problems()}, status=400
        )
    visible = Annotation.objects.visible_to(request.user)
    page = _page(filters.apply(visible), request.GET.get("page"))
    _for_listing(page, Viewer.of(request.user))
    context = {
        "page": page,
        "filters": filters.selected(),
        "export_filters": filters,
        "query_string": filters.query_string(),
        "tags": tags_visible_to(request.user),
        # Asked of each article and annotator, not of every annotation: a few probes of
        # an index, where a join read (and the users' list fetched) every visible row.
        "articles": Article.objects.filter(Exists(visible.filter(article=OuterRef("pk")))),
        "users": sorted(
            get_user_model()
            .objects.filter(Exists(visible.filter(owner=OuterRef("pk"))))
            .values_list("username", flat=True)
        ),
        "orphaned_count": visible.filter(
            owner_id=request.user.pk, anchor=Annotation.Anchor.ORPHANED
        ).count()
        if request.user.is_authenticated
        else 0,
    }
    return render(request, "annotations/annotation_list.html", context)


def _page(annotations, number) -> Page:
    """A page of these annotations in document order, for display: its ids are found
    first, then its rows read whole."""
    page = Paginator(annotations.ids_in_document_order(), ANNOTATIONS_PER_PAGE).get_page(number)
    page.object_list = annotations.for_display().in_order_of(page.object_list)
    return page


def _for_listing(page, viewer: Viewer) -> None:
    """Give each annotation shown `can_edit`, for its Edit and Delete links, and
    `tags_in_order`, alphabetical whatever their case."""
    page.object_list = list(page.object_list)
    for annotation in page.object_list:
        annotation.can_edit = viewer.may_edit(annotation)
        annotation.tags_in_order = tags_of(annotation)


def tag_list(request: HttpRequest) -> HttpResponse:
    viewer = Viewer.of(request.user)
    tags = attach_descriptions(tags_visible_to(viewer), viewer)
    most = max((tag.count for tag in tags), default=1)
    for tag in tags:
        tag.weight = 1 + round(4 * (tag.count - 1) / max(most - 1, 1))  # 1 to 5, for the cloud
    mine = []
    if viewer.signed_in:
        carried = Tag.objects.filter(tagged_annotations__content_object__owner_id=viewer.user_id)
        own_first = sorted(carried.distinct(), key=lambda t: t.audience != viewer.own_audience)
        mine = sorted({t.slug: t for t in reversed(own_first)}.values(), key=_by_name)
    return render(request, "annotations/tag_list.html", {"tags": tags, "my_tags": mine})


def _by_name(tag: Tag) -> tuple[str, int]:
    return tag.name.lower(), tag.pk


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = Viewer.of(request.user)
    family = viewer.tag_family(Tag.objects.all(), slug)
    if not family:
        # A tag the viewer may not see is a tag that does not exist: the same 404.
        raise Http404("No such tag.")
    annotations = Annotation.objects.visible_to(viewer).filter(tags__slug=slug)
    page = _page(annotations, request.GET.get("page"))
    _for_listing(page, viewer)
    (tag,) = attach_descriptions([family[0]], viewer)
    context = {
        "tag": tag,
        "page": page,
        "describable": _describable(viewer, tag, family),
        "tag_filter": {"tag": tag.slug},
    }
    return render(request, "annotations/tag_detail.html", context)


def _describable(viewer: Viewer, tag: Tag, family: list[Tag]) -> list[tuple[str, str, str]]:
    """(audience, label, current text) for each description the viewer may write."""
    texts = {d.audience: d.text for d in tag.descriptions_shown}
    labels = {viewer.own_audience: "Your own (private)", SHARED: "Shared with everyone"}
    return [
        (audience, labels[audience], texts.get(audience, ""))
        for audience in viewer.description_audiences(family)
    ]


@require_safe  # link checkers and unfurlers ask with HEAD
def permalink(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """An annotation's stable address opens the reader on it, for whoever may see it;
    for anyone else it is the site's ordinary 404, as if there were no such annotation
    (no login page either: that would say there is one)."""
    annotation = (
        Annotation.objects.visible_to(request.user).filter(uid=uid).select_related("article")
    ).first()
    if annotation is None:
        raise Http404
    return redirect(annotation.get_absolute_url())


def export(request: HttpRequest) -> HttpResponse:
    """Download what the reader may see, filtered as the pages filter, in one format. The
    file is built whole before a byte of it is sent, so that a download is complete, with
    its Content-Length, or an error page: never a file cut short behind a 200."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _cannot_export(request, form.problems())
    reader = Reader.of(request.user)
    try:
        download = exporter(
            form.cleaned_data["format"] or "csv",
            form.apply(Annotation.objects.visible_to(request.user)),
            Links(request.build_absolute_uri("/")),
            form.title(reader.viewer),
            form.cleaned_data["group"] or "article",
            reader,
            form.cleaned_data["style"] or DEFAULT_STYLE,
        )
        built = download.build()
    except ExportError as error:
        return _cannot_export(request, [str(error)])
    return FileResponse(
        built,
        as_attachment=True,
        filename=download.filename(form.scope()),
        content_type=download.content_type,
    )


def _cannot_export(request: HttpRequest, problems: list[str]) -> HttpResponse:
    return render(request, "annotations/export_error.html", {"problems": problems}, status=400)


@login_required
@require_POST
def tag_rename(request: HttpRequest) -> HttpResponse:
    """Rename one of your tags on all of your annotations; naming another tag merges them."""
    new_name = request.POST.get("name", "").strip()
    if not new_name or len(new_name) > MAX_TAG_CHARS:
        messages.error(request, f"Give the tag a new name of 1 to {MAX_TAG_CHARS} characters.")
        return redirect("annotations:tags")
    try:
        with transaction.atomic():
            slug = request.POST.get("tag", "")
            old_name, changed = tagging.rename(request.user.pk, slug, new_name)
            annotations_changed(changed, tags_changed=True)
    except tagging.RenameRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("annotations:tags")
    if not changed:
        # The same answer whether the tag does not exist or is only on others' annotations.
        messages.error(request, "None of your annotations carries that tag.")
    else:
        messages.success(
            request,
            f"“{old_name}” is now “{new_name}” on {len(changed)} "
            f"annotation{pluralize(len(changed))}.",
        )
    return redirect("annotations:tags")


class DescriptionForm(forms.Form):
    audience = forms.CharField(max_length=64)
    description = forms.CharField(required=False, max_length=MAX_TAG_DESCRIPTION_CHARS, strip=True)


@login_required
@require_POST
def tag_describe(request: HttpRequest, slug: str) -> HttpResponse:
    """Say what a tag means, for yourself or (if you share it) for everyone."""
    viewer = Viewer.of(request.user)
    family = viewer.tag_family(Tag.objects.all(), slug)
    if not family:
        raise Http404("No such tag.")
    url = family[0].get_absolute_url()
    form = DescriptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(url)
    audience = form.cleaned_data["audience"]
    if audience not in viewer.description_audiences(family):
        messages.error(
            request, "Only people who share this tag, or staff, may describe it for everyone."
        )
        return redirect(url)
    text = form.cleaned_data["description"]
    described = next((tag for tag in family if tag.audience == audience), None)
    if described is None and text:
        # Their own gloss on a tag they use only in shared annotations: a tag of their own.
        described = tagging.tag_in(audience, family[0].name)
    if described is not None:
        described.description = text
        described.save(update_fields=["description"])
    messages.success(request, "The description is saved.")
    return redirect(url)
