from django.db.models import Prefetch
from rest_framework import generics

from archive.models import Article, Paragraph, Section
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
