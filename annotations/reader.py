"""What the reader page's JavaScript needs to know, embedded as JSON in the page."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse

from annotations.anchoring import PARAGRAPH_JOINER
from annotations.models import Annotation, tags_visible_to
from annotations.permissions import Viewer
from annotations.serializers import AnnotationSerializer
from archive.models import Article


def reader_context(request: HttpRequest, article: Article) -> dict:
    user = request.user
    annotations = (
        Annotation.objects.visible_to(user)
        .filter(article=article)
        .for_display()
        .in_document_order()
    )
    serializer = AnnotationSerializer(annotations, many=True, context={"request": request})
    return {
        "article": article.slug,
        "annotations": serializer.data,
        # The paragraphs' ids in reading order, and what joins them in a quote.
        "paragraphs": [p.pk for s in article.sections.all() for p in s.paragraphs.all()],
        "paragraph_joiner": PARAGRAPH_JOINER,
        "may_annotate": Viewer.of(user).may_annotate(),
        "tags": [tag.name for tag in tags_visible_to(user)],
        "api": reverse("api:annotations"),
        "orphans_url": reverse("annotations:list") + "?orphaned=1",
        "login_url": login_url(request),
        "default_visibility": Annotation.Visibility.PRIVATE,
        "focus": _int(request.GET.get("annotation")),
        "fix": _fixable(request, article),
    }


def login_url(request: HttpRequest) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _fixable(request: HttpRequest, article: Article) -> int | None:
    """The orphaned annotation the owner came to re-attach, if it is theirs."""
    pk = _int(request.GET.get("fix"))
    if pk is None or not request.user.is_authenticated:
        return None
    exists = Annotation.objects.filter(
        pk=pk, owner=request.user, article=article, anchor=Annotation.Anchor.ORPHANED
    ).exists()
    return pk if exists else None
