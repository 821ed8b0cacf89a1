from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from search import facets
from search.fields import NONE, OTHER
from search.query import FACET_LIMIT, SORTS
from search.syntax import MAX_QUERY_CHARS

FILTER_HELP = f"An exact facet value; {NONE} selects passages without one."


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_CHARS,
        default="",
        help_text='Words (all must match), "exact phrases", OR, NOT or -word, prefix*, fuzzy~.',
    )
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    sort = serializers.ChoiceField(choices=list(SORTS), required=False, default="relevance")
    article = serializers.SlugField(required=False, max_length=255, help_text="An article slug.")
    section = serializers.RegexField(
        rf"^(\d{{1,4}}|{NONE}|[-\w]{{1,255}}:\d{{1,4}})$",
        required=False,
        help_text=(
            f"A section of an article, as <article slug>:<number>, or {NONE}; a number "
            "alone selects that section number in every article."
        ),
    )
    author = serializers.CharField(required=False, max_length=255, help_text=FILTER_HELP)
    year = serializers.RegexField(
        rf"^(\d{{4}}|{NONE})$", required=False, help_text=f"A year, or {NONE}."
    )
    tag = serializers.CharField(required=False, max_length=100, help_text=FILTER_HELP)
    facet_limit = serializers.IntegerField(
        required=False,
        min_value=0,
        default=FACET_LIMIT,
        help_text=f"Values per facet, largest first (0 for all); the rest are one {OTHER} bucket.",
    )

    FILTERS = facets.NAMES


class HitArticleSerializer(serializers.Serializer):
    slug = serializers.CharField(source="article_slug")
    title = serializers.CharField(source="article_title")


class SectionRefSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="section_number", allow_null=True)
    title = serializers.CharField(source="section_title", allow_null=True)


class HitSerializer(serializers.Serializer):
    paragraph_id = serializers.IntegerField()
    article = HitArticleSerializer(source="*")
    section = serializers.SerializerMethodField()
    position = serializers.IntegerField()
    snippet = serializers.CharField(help_text="Safe HTML: escaped text, matches in <mark>.")
    url = serializers.SerializerMethodField(help_text="The paragraph in the reader.")
    score = serializers.FloatField(allow_null=True, help_text="Relevance; null when sorted.")

    @extend_schema_field(SectionRefSerializer(allow_null=True))
    def get_section(self, hit) -> dict | None:
        if hit.section_number is None and hit.section_title is None:
            return None
        return {"number": hit.section_number, "title": hit.section_title}

    def get_url(self, hit) -> str:
        return self.context["request"].build_absolute_uri(hit.url)

    def to_representation(self, hit) -> dict:
        # Every search serialises a page of hits: skip the per-field machinery. The
        # fields above still describe the shape, for the schema.
        return {
            "paragraph_id": hit.paragraph_id,
            "article": {"slug": hit.article_slug, "title": hit.article_title},
            "section": self.get_section(hit),
            "position": hit.position,
            "snippet": str(hit.snippet),
            "url": self.get_url(hit),
            "score": hit.score,
        }


class FacetBucketSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()

    def to_representation(self, bucket) -> dict:
        # An article facet can hold thousands of buckets: skip the per-field machinery.
        return {"value": bucket.value, "label": bucket.label, "count": bucket.count}


FacetsSerializer = type(
    "FacetsSerializer",
    (serializers.Serializer,),
    {name: FacetBucketSerializer(many=True) for name in facets.NAMES},
)


class NoteHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="annotation.pk")
    snippet = serializers.CharField(help_text="Safe HTML: escaped text, matches in <mark>.")
    quote = serializers.CharField(source="annotation.quote")
    tags = serializers.ListField(child=serializers.CharField())
    user = serializers.CharField(source="annotation.owner.username")
    article = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_article(self, hit) -> dict:
        return {"slug": hit.annotation.article.slug, "title": hit.annotation.article.title}

    def get_url(self, hit) -> str:
        return self.context["request"].build_absolute_uri(hit.annotation.get_absolute_url())


class NotesSerializer(serializers.Serializer):
    count = serializers.IntegerField(source="notes_count")
    results = NoteHitSerializer(many=True, source="notes")


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = HitSerializer(many=True, source="hits")
    facets = FacetsSerializer()
    suggestion = serializers.CharField(allow_null=True)
    messages = serializers.ListField(
        child=serializers.CharField(),
        help_text="What was ignored in the query, or cut short by the limits of a search, and why.",
    )
    notes = NotesSerializer(
        source="*", help_text="Annotations you may see whose note, quote or tags match."
    )
