from django import forms
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from archive.models import Article, Paragraph, Section
from archive.reference_files import REFERENCE_FILES
from archive.references import csl_item
from archive.serializers import ArticleDetailSerializer, ArticleSerializer


class ArticleList(generics.ListAPIView):
    """Every article, in archive order (issue date, then source file order)."""

    queryset = Article.objects.with_counts()
    serializer_class = ArticleSerializer


class ArticleDetail(generics.RetrieveAPIView):
    """One article with its sections and their paragraphs, in reading order."""

    serializer_class = ArticleDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        paragraphs = Paragraph.objects.order_by("position")
        sections = Section.objects.order_by("order").prefetch_related(
            Prefetch("paragraphs", queryset=paragraphs)
        )
        return Article.objects.with_counts().prefetch_related(
            Prefetch("sections", queryset=sections)
        )


class CitationForm(forms.Form):
    format = forms.ChoiceField(choices=[(name, name) for name in REFERENCE_FILES], required=False)

    def clean_format(self) -> str:
        return self.cleaned_data["format"] or "csl-json"


class FormatIsTheFile(BaseContentNegotiation):
    """?format= names the reference file here, not (as DRF reads it elsewhere) the
    renderer: the file is the response, and errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        json_renderer = next(r for r in renderers if isinstance(r, JSONRenderer))
        return json_renderer, json_renderer.media_type


class ArticleCitation(APIView):
    """The article as a reference, in a file a reference manager imports: CSL-JSON (the
    default), BibTeX or RIS. Its URL is the article's page here; accessed is today."""

    content_negotiation_class = FormatIsTheFile

    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(REFERENCE_FILES)),
        ],
        responses={(200, "application/vnd.citationstyles.csl+json"): OpenApiTypes.STR},
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        article = get_object_or_404(Article, slug=slug)
        form = CitationForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({"format": f"Choose one of: {', '.join(REFERENCE_FILES)}."})
        reference_file = REFERENCE_FILES[form.cleaned_data["format"]]
        url = request.build_absolute_uri(article.get_absolute_url())
        item = csl_item(article, url, timezone.localdate())
        response = HttpResponse(
            reference_file.write([item]),
            content_type=f"{reference_file.content_type}; charset=utf-8",
        )
        filename = f"{article.citation_key}.{reference_file.extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
