from haystack import indexes

from annotations.models import Annotation
from archive.models import Article, Paragraph
from search import facets, syntax
from search.backends.whoosh.schema import UNSTEMMED_ANALYZER
from search.fields import (
    LABEL_SEPARATOR,
    NONE,
    AudienceTermsField,
    KeywordField,
    ShingleField,
    SortableIntegerField,
    StemmedTextField,
    StoredField,
    TagTokensField,
    UnstemmedTextField,
)

# Sorts after every real date, so undated articles come last in document order.
UNDATED = "9999-12-31"


def document_order(article: Article) -> str:
    date = article.issue_date.isoformat() if article.issue_date else UNDATED
    return f"{date}|{article.source}|{article.order:06d}|{article.pk:012d}"


class ParagraphIndex(indexes.SearchIndex, indexes.Indexable):
    # The document is the paragraph text alone. It comes straight from the model rather
    # than from a template: a template would HTML-escape it ("<script>" indexed as
    # "&lt;script&gt;") and costs a render per paragraph on the bulk path.
    text = indexes.CharField(document=True, model_attr="text")
    exact = UnstemmedTextField(model_attr="text")
    shingles = ShingleField(model_attr="text")
    article = KeywordField(model_attr="article__slug")
    article_id = KeywordField(model_attr="article_id")
    article_title = StoredField(model_attr="article__title")
    article_facet = KeywordField()
    # The section's number alone, for links from before sections were told apart by
    # article (search.facets.filtered_field); the facet counts section_facet.
    section = KeywordField()
    section_key = KeywordField()
    section_facet = KeywordField()
    section_number = StoredField()
    section_title = StoredField()
    author = KeywordField(model_attr="article__author")
    year = KeywordField()
    kind = KeywordField(model_attr="kind")
    position = SortableIntegerField(model_attr="position")
    document_order = KeywordField()
    tags = TagTokensField()

    def get_model(self):
        return Paragraph

    def index_queryset(self, using=None):
        return Paragraph.objects.select_related("article", "section").order_by("pk")

    def prepare_article_facet(self, paragraph: Paragraph) -> str:
        return f"{paragraph.article.slug}{LABEL_SEPARATOR}{paragraph.article.title}"

    def prepare_section(self, paragraph: Paragraph) -> str:
        return NONE if paragraph.section.number is None else str(paragraph.section.number)

    def prepare_section_key(self, paragraph: Paragraph) -> str:
        number = paragraph.section.number
        return NONE if number is None else facets.section_value(paragraph.article.slug, number)

    def prepare_section_facet(self, paragraph: Paragraph) -> str:
        section = paragraph.section
        if section.number is None:
            return NONE
        label = facets.section_label(section.number, section.title, paragraph.article.title)
        return f"{self.prepare_section_key(paragraph)}{LABEL_SEPARATOR}{label}"

    def prepare_section_number(self, paragraph: Paragraph) -> str | None:
        number = paragraph.section.number
        return None if number is None else str(number)

    def prepare_section_title(self, paragraph: Paragraph) -> str | None:
        return paragraph.section.title

    def prepare_year(self, paragraph: Paragraph) -> str:
        date = paragraph.article.issue_date
        return str(date.year) if date else NONE

    def prepare_document_order(self, paragraph: Paragraph) -> str:
        return document_order(paragraph.article)

    def prepare_tags(self, paragraph: Paragraph) -> str:
        # search.indexing attaches the tokens in bulk; one paragraph alone asks the database.
        tokens = getattr(paragraph, "tag_tokens", None)
        if tokens is None:
            from search.indexing import tag_tokens_of

            tokens = tag_tokens_of([paragraph.pk]).get(paragraph.pk, set())
        return " ".join(sorted(tokens))


class AnnotationIndex(indexes.SearchIndex, indexes.Indexable):
    """Notes, quotes and tags, so that what readers wrote is searchable too, by those who
    may see it. They fill fields of their own (the note_ ones): the paragraphs' fields,
    their vocabulary and their statistics owe nothing to anyone's notes."""

    # Haystack wants one document field, named alike, in every index; notes leave it empty.
    text = indexes.CharField(document=True)
    note_text = StemmedTextField()
    note_terms = AudienceTermsField()
    note_shingles = ShingleField()
    article = KeywordField(model_attr="article__slug")
    article_id = KeywordField(model_attr="article_id")
    article_title = StoredField(model_attr="article__title")
    audience = KeywordField(model_attr="audience")
    position = SortableIntegerField()
    document_order = KeywordField()

    def get_model(self):
        return Annotation

    def index_queryset(self, using=None):
        return (
            Annotation.objects.select_related("article", "start_paragraph")
            .prefetch_related("tags")
            .order_by("pk")
        )

    def prepare_text(self, annotation: Annotation) -> str:
        return ""

    def prepare_note_text(self, annotation: Annotation) -> str:
        tags = " ".join(tag.name for tag in annotation.tags.all())
        return "\n\n".join(part for part in (annotation.note, annotation.quote, tags) if part)

    prepare_note_shingles = prepare_note_text

    def prepare_note_terms(self, annotation: Annotation) -> str:
        words = (token.text for token in UNSTEMMED_ANALYZER(self.prepare_note_text(annotation)))
        return syntax.indexed_note_terms(annotation.audience, words)

    def prepare_position(self, annotation: Annotation) -> int:
        paragraph = annotation.start_paragraph
        return paragraph.position if paragraph else 0

    def prepare_document_order(self, annotation: Annotation) -> str:
        return document_order(annotation.article)
