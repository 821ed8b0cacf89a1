from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from annotations.export_forms import ExportForm
from annotations.exporting import ExportError, ExportFilters, Links, exporter, selection
from annotations.models import Annotation, Tag, tags_visible_to
from archive.models import Article

ANNOTATIONS_PER_PAGE = 50
FILTERS = ("tag", "article", "user", "q", "orphaned")


def annotation_list(request: HttpRequest) -> HttpResponse:
    visible = Annotation.objects.visible_to(request.user)
    filters = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    annotations = visible.matching(filters).for_display().in_document_order()
    page = Paginator(annotations, ANNOTATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query_string": "&".join(f"{k}={v}" for k, v in filters.items()),
        "tags": tags_visible_to(request.user),
        "articles": Article.objects.filter(annotations__in=visible).distinct(),
        "users": sorted(set(visible.values_list("owner__username", flat=True))),
        "orphaned_count": visible.filter(
            owner_id=request.user.pk, anchor=Annotation.Anchor.ORPHANED
        ).count()
        if request.user.is_authenticated
        else 0,
    }
    return render(request, "annotations/annotation_list.html", context)


def tag_list(request: HttpRequest) -> HttpResponse:
    tags = list(tags_visible_to(request.user))
    most = max((tag.count for tag in tags), default=1)
    for tag in tags:
        tag.weight = 1 + round(4 * (tag.count - 1) / max(most - 1, 1))  # 1 to 5, for the cloud
    mine = []
    if request.user.is_authenticated:
        mine = Tag.objects.filter(tagged_annotations__content_object__owner=request.user)
        mine = mine.distinct().order_by("name")
    return render(request, "annotations/tag_list.html", {"tags": tags, "my_tags": mine})


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    annotations = (
        Annotation.objects.visible_to(request.user)
        .filter(tags=tag)
        .for_display()
        .in_document_order()
    )
    page = Paginator(annotations, ANNOTATIONS_PER_PAGE).get_page(request.GET.get("page"))
    if not page.paginator.count and not _uses_tag(request.user, tag):
        # A tag seen only on others' private annotations must not reveal they exist.
        return render(
            request, "annotations/tag_detail.html", {"tag": tag, "page": page}, status=404
        )
    context = {
        "tag": tag,
        "page": page,
        "can_describe": _may_describe(request.user, tag),
        "tag_filter": {"tag": tag.slug},
    }
    return render(request, "annotations/tag_detail.html", context)


def _uses_tag(user, tag: Tag) -> bool:
    return (
        user.is_authenticated and tag.tagged_annotations.filter(content_object__owner=user).exists()
    )


def _may_describe(user, tag: Tag) -> bool:
    return user.is_authenticated and (user.is_staff or _uses_tag(user, tag))


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Download what the reader may see, filtered as the pages filter, in one format. The
    file is built whole before a byte of it is sent, so that a download is complete, with
    its Content-Length, or an error page: never a file cut short behind a 200."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _cannot_export(request, form.problems())
    filters = form.filters()
    try:
        download = exporter(
            form.cleaned_data["format"] or "csv",
            selection(Annotation.objects.visible_to(request.user), filters),
            Links(request.build_absolute_uri("/")),
            _export_title(filters),
            form.cleaned_data["group"] or "article",
        )
        built = download.build()
    except ExportError as error:
        return _cannot_export(request, [str(error)])
    return FileResponse(
        built,
        as_attachment=True,
        filename=download.filename(filters.scope()),
        content_type=download.content_type,
    )


def _export_title(filters: ExportFilters) -> str:
    scope = filters.scope()
    return "Commonplace book" + (f": {scope}" if scope != "annotations" else "")


def _cannot_export(request: HttpRequest, problems: list[str]) -> HttpResponse:
    return render(request, "annotations/export_error.html", {"problems": problems}, status=400)


@login_required
@require_POST
def tag_rename(request: HttpRequest) -> HttpResponse:
    """Rename one of your tags on all of your annotations; naming another tag merges them."""
    old = get_object_or_404(Tag, slug=request.POST.get("tag", ""))
    new_name = request.POST.get("name", "").strip()
    if not new_name or len(new_name) > 100:
        messages.error(request, "Give the tag a new name of 1 to 100 characters.")
        return redirect("annotations:tags")
    with transaction.atomic():
        mine = Annotation.objects.filter(owner=request.user, tags=old).select_for_update(
            of=("self",)
        )
        changed = 0
        for annotation in mine:
            annotation.tags.remove(old)
            annotation.tags.add(new_name)
            annotation.save()
            changed += 1
    if not changed:
        messages.error(request, f"None of your annotations is tagged “{old.name}”.")
    else:
        messages.success(request, f"“{old.name}” is now “{new_name}” on {changed} annotation(s).")
    return redirect("annotations:tags")


@login_required
@require_POST
def tag_describe(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    if not _may_describe(request.user, tag):
        messages.error(request, "Only people who use a tag, or staff, may describe it.")
        return redirect(tag.get_absolute_url())
    tag.description = request.POST.get("description", "").strip()[:2000]
    tag.save(update_fields=["description"])
    messages.success(request, "The description is saved.")
    return redirect(tag.get_absolute_url())
