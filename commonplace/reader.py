"""The reader: an article's page, with the words a search matched marked, and the data its
JavaScript needs (static/js/reader/) embedded as JSON.

It lives in the composition layer because it shows what three layers know: the article
(archive), who may see, write and change which annotations (annotations), and what a
search matched (search). It also says how to cite the article: the Cite panel
(commonplace/citing.py) and, in its <head>, the metadata reference managers read
(commonplace/embedded_metadata.py). Its queries are a fixed number, however many
paragraphs and annotations the article has (tests/reader/test_reader_page.py counts them).
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from annotations.anchoring import PARAGRAPH_JOINER
from annotations.models import Annotation, tags_visible_to
from annotations.permissions import Viewer
from annotations.serializers import AnnotationSerializer
from archive.models import Article, Paragraph, Section
from archive.references import csl_item
from commonplace.citing import cite_panel
from commonplace.embedded_metadata import coins, highwire_tags
from search.highlighting import Highlighter
from search.syntax import MAX_QUERY_CHARS, parse


def article_page(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_with_paragraphs(slug)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    matches = _mark_matches(article, Highlighter(parse(query).tree)) if query else 0
    fixing = _fixing(request, article)
    item = _cited_item(request, article)
    context = {
        "article": article,
        "query": query,
        "matches": matches,
        "fixing": fixing,
        "article_filter": {"article": article.slug},
        "page_json": json_for_script(page_data(request, article, fixing)),
        "cite": cite_panel(article, item),
        "citation_meta": highwire_tags(item),
        "coins": coins(item),
    }
    return render(request, "commonplace/reader.html", context)


def _cited_item(request: HttpRequest, article: Article) -> dict:
    """The article's CSL-JSON item as cited from here: its URL this page (without the
    query), accessed today, as the citation API has it."""
    url = request.build_absolute_uri(article.get_absolute_url())
    return csl_item(article, url, timezone.localdate())


def _article_with_paragraphs(slug: str) -> Article:
    """The article, its sections in order and each one's paragraphs in order: three
    queries, whatever their number."""
    paragraphs = Paragraph.objects.order_by("position")
    sections = Section.objects.order_by("order").prefetch_related(
        Prefetch("paragraphs", queryset=paragraphs)
    )
    return get_object_or_404(
        Article.objects.prefetch_related(Prefetch("sections", queryset=sections)), slug=slug
    )


def _reading_order(article: Article) -> list[Paragraph]:
    """The paragraphs in the order the page shows them (already fetched)."""
    return [p for section in article.sections.all() for p in section.paragraphs.all()]


def _mark_matches(article: Article, highlighter: Highlighter) -> int:
    """Give each paragraph an escaped, marked-up copy of its text; count those that match."""
    matches = 0
    for paragraph in _reading_order(article):
        paragraph.marked = highlighter.mark(paragraph.text)
        matches += "<mark>" in paragraph.marked
    return matches


def _fixing(request: HttpRequest, article: Article) -> Annotation | None:
    """The orphaned annotation its owner came to re-attach (?fix=<id>), if it is theirs."""
    pk = _int(request.GET.get("fix"))
    if pk is None or not request.user.is_authenticated:
        return None
    return Annotation.objects.filter(
        pk=pk, owner=request.user, article=article, anchor=Annotation.Anchor.ORPHANED
    ).first()


def page_data(request: HttpRequest, article: Article, fixing: Annotation | None) -> dict:
    """What the reader's JavaScript is told, rather than left to work out: the rules stay
    the server's (who may annotate or edit, document order, how a quote joins paragraphs,
    where a tag's page is)."""
    viewer = Viewer.of(request.user)
    annotations = (
        Annotation.objects.visible_to(viewer)
        .filter(article=article)
        .for_display()
        .in_document_order()
    )
    serializer = AnnotationSerializer(annotations, many=True, context={"request": request})
    return {
        # Annotations in document order, each saying whether it is the viewer's own, whether
        # they may change it, and where each of its tags' pages is.
        "annotations": serializer.data,
        # The paragraphs' ids in reading order, and what joins them in a quote.
        "paragraphs": [paragraph.pk for paragraph in _reading_order(article)],
        "paragraph_joiner": PARAGRAPH_JOINER,
        "may_annotate": viewer.may_annotate(),
        "tags": [tag.name for tag in tags_visible_to(viewer)],
        "api": reverse("api:annotations"),
        "note_preview": reverse("api:note-preview"),
        "orphans_url": reverse("annotations:list") + "?orphaned=1",
        "login_url": _login_url(request),
        "default_visibility": Annotation.Visibility.PRIVATE,
        "focus": _int(request.GET.get("annotation")),
        "fix": fixing.pk if fixing else None,
    }


# What Django's json_script escapes, so that no string in the data can end the script
# element it sits in. str.replace does it in a tenth of the time json_script's
# str.translate took on the half a megabyte 500 annotations make (25 ms a page).
_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def json_for_script(data) -> SafeString:
    """The data as JSON that is safe inside <script type="application/json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder)
    for character, escaped in _SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(text)


def _login_url(request: HttpRequest) -> str:
    """The login page, coming back here after."""
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
