"""The Add articles page: files sent in the browser, read into a preview that can be
corrected, stored on confirmation (archive.uploads), each step run outside the request
(commonplace.upload_jobs) while the upload's page shows how far it has gone."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from archive import readers, receiving, uploads
from archive.corrections import CORRECTABLE
from archive.forms import ArticleCorrectionForm
from archive.models import Upload
from commonplace import upload_jobs

RECENT_UPLOADS = 20
# A Nexis export holds a hundred articles and an upload may hold hundreds of files: the
# preview shows them a page at a time.
PREVIEW_PER_PAGE = 50
# A request this much larger than every file it may carry is refused before it is read.
ENVELOPE_BYTES = 10 << 20
NOT_ALLOWED = "Adding articles needs the permission to add them: ask an administrator."


def _not_allowed(request: HttpRequest) -> HttpResponse | None:
    """The 403 page saying what is missing, for whoever may not add articles."""
    if receiving.may_add_articles(request.user):
        return None
    return render(request, "403.html", {"message": NOT_ALLOWED}, status=403)


@csrf_exempt  # checked in _add_articles, once the upload's own handlers are in place
@require_http_methods(["GET", "HEAD", "POST"])
def add_articles(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if refusal := _not_allowed(request):
        return refusal
    within = receiving.limits()
    if request.method == "POST":
        try:
            sent = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refused(request, within, "the request's length could not be read")
        if sent > within.max_total_bytes + ENVELOPE_BYTES:
            refused = f"more than the {receiving.mb(within.max_total_bytes)} an upload may hold"
            return _refused(request, within, refused)
        request.upload_handlers = [receiving.SizeLimitedUploadHandler(request, within)]
    return _add_articles(request, within)


@csrf_protect
def _add_articles(request: HttpRequest, within) -> HttpResponse:
    if request.method != "POST":
        return _add_page(request, within)
    files = request.FILES.getlist("files")  # read here, through the handler set above
    try:
        if refusal := request.upload_handlers[0].refusal:
            raise receiving.UploadRefused(refusal)
        upload = receiving.receive(request.user, files, within)
    except receiving.UploadRefused as refused:
        return _refused(request, within, str(refused))
    upload_jobs.start_soon()
    if _wants_json(request):
        return JsonResponse({"url": upload.get_absolute_url()}, status=201)
    return redirect(upload)


def _refused(request: HttpRequest, within, reason: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": reason}, status=400)
    return _add_page(request, within, error=reason, status=400)


def _add_page(request: HttpRequest, within, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "formats": list(readers.FORMATS.values()),
        "accept": ",".join(receiving.accepted_extensions()),
        "limits": within,
        "max_file": receiving.mb(within.max_file_bytes),
        "max_total": receiving.mb(within.max_total_bytes),
        "error": error,
        "uploads": Upload.objects.of(request.user).defer("preview", "corrections", "report")[
            :RECENT_UPLOADS
        ],
    }
    return render(request, "commonplace/add_articles.html", context, status=status)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _own_upload(request: HttpRequest, uid) -> Upload:
    return get_object_or_404(Upload.objects.of(request.user), uid=uid)


@login_required
@require_safe
def upload_page(request: HttpRequest, uid) -> HttpResponse:
    upload = _own_upload(request, uid)
    if upload.busy:
        # In thread mode, a job whose thread died with its process waits for a thread:
        # a look at its page starts one (it takes only what no live runner holds).
        upload_jobs.start_soon()
    return _upload_page(request, upload)


def _upload_page(
    request: HttpRequest,
    upload: Upload,
    invalid: tuple[int, int, ArticleCorrectionForm] | None = None,
    refusal: str = "",
) -> HttpResponse:
    """The upload as far as it has gone; a 400 with the form that was wrong (with its
    article's file and order) or the reason a step was refused."""
    articles = uploads.articles(upload) if upload.state == Upload.State.PREVIEWED else []
    number = _page_of(upload, *invalid[:2]) if invalid else request.GET.get("page")
    page = Paginator(articles, PREVIEW_PER_PAGE).get_page(number)
    for article in page.object_list:
        _for_the_page(article, invalid)
    context = {
        "upload": upload,
        "articles_count": len(articles),
        "page": page,
        "invalid": next((a for a in page.object_list if a["open"]), None),
        "unreadable": [f for f in upload.preview if f["reason"]],
        "stored_before": [
            (number, file) for number, file in enumerate(upload.preview) if file["stored_before"]
        ],
        "report": upload.report,
        "refusal": refusal,
    }
    status = 400 if invalid or refusal else 200
    return render(request, "commonplace/upload.html", context, status=status)


def _for_the_page(article: dict, invalid: tuple[int, int, ArticleCorrectionForm] | None) -> None:
    """What the preview's card shows beside the article's values: its form, and what was
    corrected or kept, by the form's labels."""
    key = f"{article['file']}-{article['order']}"
    article["key"] = key
    article["open"] = bool(invalid and invalid[:2] == (article["file"], article["order"]))
    article["form"] = (
        invalid[2] if article["open"] else ArticleCorrectionForm(initial=article, prefix=key)
    )
    article["date"] = date.fromisoformat(article["issue_date"]) if article["issue_date"] else None
    article["corrected_labels"] = [
        (_LABELS[name], read or "nothing") for name, read in article["corrected"].items()
    ]
    # In the form's order: PostgreSQL's jsonb keeps keys in an order of its own.
    article["kept_labels"] = [_LABELS[name] for name in CORRECTABLE if name in article["kept"]]


_LABELS = {
    name: (field.label or name.replace("_", " ").capitalize())
    for name, field in ArticleCorrectionForm.base_fields.items()
}


def _page_of(upload: Upload, file: int, order: int) -> int:
    """The preview page an article is on: the preview lists its files' articles in turn."""
    before = sum(len(f["articles"]) for f in upload.preview[:file])
    return (before + order) // PREVIEW_PER_PAGE + 1


@login_required
@require_safe
def upload_status(request: HttpRequest, uid) -> JsonResponse:
    """What the upload's page watches while work is under way."""
    upload = _own_upload(request, uid)
    return JsonResponse(
        {
            "state": upload.state,
            "label": upload.get_state_display(),
            "busy": upload.busy,
            "files_done": upload.files_done,
            "files_total": upload.files_total,
        }
    )


@login_required
@require_POST
def correct_article(request: HttpRequest, uid, file: int, order: int) -> HttpResponse:
    upload = _own_upload(request, uid)
    if refusal := _not_allowed(request):
        return refusal
    if upload.state != Upload.State.PREVIEWED:
        return _upload_page(request, upload, refusal="This upload no longer takes corrections.")
    if file >= len(upload.preview) or order >= len(upload.preview[file]["articles"]):
        return _upload_page(request, upload, refusal="No such article in this upload.")
    key = f"{file}-{order}"
    form = ArticleCorrectionForm(request.POST, prefix=key)
    if not form.is_valid():
        return _upload_page(request, upload, invalid=(file, order, form))
    uploads.correct(upload, file, order, form.cleaned_data)
    page = _page_of(upload, file, order)
    return redirect(f"{upload.get_absolute_url()}?page={page}#article-{key}")


@login_required
@require_POST
def keep_apart(request: HttpRequest, uid, file: int) -> HttpResponse:
    """A file stored before under the same name: its articles as new ones, or updates."""
    upload = _own_upload(request, uid)
    if refusal := _not_allowed(request):
        return refusal
    if upload.state != Upload.State.PREVIEWED or file >= len(upload.preview):
        return _upload_page(request, upload, refusal="This upload no longer takes choices.")
    uploads.keep_apart(upload, file, request.POST.get("apart") == "1")
    return redirect(f"{upload.get_absolute_url()}#files-stored-before")


@login_required
@require_POST
def confirm_upload(request: HttpRequest, uid) -> HttpResponse:
    upload = _own_upload(request, uid)
    if refusal := _not_allowed(request):
        return refusal
    if not uploads.confirm(upload):
        return _upload_page(request, upload, refusal=_why_not(upload, "stored"))
    upload_jobs.start_soon()
    return redirect(upload)


@login_required
@require_POST
def discard_upload(request: HttpRequest, uid) -> HttpResponse:
    upload = _own_upload(request, uid)
    if not uploads.discard(upload):
        return _upload_page(request, upload, refusal=_why_not(upload, "discarded"))
    return redirect("archive:add")


def _why_not(upload: Upload, step: str) -> str:
    """Why an upload cannot be stored or discarded now, by where it is (read again: a
    job, or another request, may have moved it since it was loaded)."""
    upload.refresh_from_db()
    reasons = {
        Upload.State.STORED: "It is stored already.",
        Upload.State.DISCARDED: "It was discarded.",
        Upload.State.PREVIEWED: "There is nothing in this upload to store.",
    }
    busy = f"It is being read or stored: it can be {step} once that is done."
    return reasons.get(upload.state, busy)
