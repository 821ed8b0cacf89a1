from rest_framework import serializers

from archive.models import Article, Paragraph, Section


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The article's page in the reader.")
    sections_count = serializers.IntegerField(read_only=True)
    paragraphs_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "standfirst",
            "author",
            "publication",
            "issue_date",
            "issue_title",
            "publication_type",
            "citation_key",
            "original_url",
            "doi",
            "url",
            "sections_count",
            "paragraphs_count",
        ]

    def get_url(self, article: Article) -> str:
        return self.context["request"].build_absolute_uri(article.get_absolute_url())


class ParagraphSerializer(serializers.ModelSerializer):
    class Meta:
        model = Paragraph
        fields = ["id", "position", "kind", "text"]


class SectionSerializer(serializers.ModelSerializer):
    paragraphs = ParagraphSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["number", "title", "paragraphs"]


class ArticleDetailSerializer(ArticleSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "author_bio", "sections"]
