from haystack import indexes

from archive.models import Paragraph
from search.fields import (
    LABEL_SEPARATOR,
    NONE,
    KeywordField,
    ShingleField,
    SortableIntegerField,
    StoredField,
    UnstemmedTextField,
)

# Sorts after every real date, so undated articles come last in document order.
UNDATED = "9999-12-31"


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
    section = KeywordField()
    section_number = StoredField()
    section_title = StoredField()
    author = KeywordField(model_attr="article__author")
    year = KeywordField()
    kind = KeywordField(model_attr="kind")
    position = SortableIntegerField(model_attr="position")
    document_order = KeywordField()

    def get_model(self):
        return Paragraph

    def index_queryset(self, using=None):
        return Paragraph.objects.select_related("article", "section").order_by("pk")

    def prepare_article_facet(self, paragraph: Paragraph) -> str:
        return f"{paragraph.article.slug}{LABEL_SEPARATOR}{paragraph.article.title}"

    def prepare_section(self, paragraph: Paragraph) -> str:
        return NONE if paragraph.section.number is None else str(paragraph.section.number)

    def prepare_section_number(self, paragraph: Paragraph) -> str | None:
        number = paragraph.section.number
        return None if number is None else str(number)

    def prepare_section_title(self, paragraph: Paragraph) -> str | None:
        return paragraph.section.title

    def prepare_year(self, paragraph: Paragraph) -> str:
        date = paragraph.article.issue_date
        return str(date.year) if date else NONE

    def prepare_document_order(self, paragraph: Paragraph) -> str:
        article = paragraph.article
        date = article.issue_date.isoformat() if article.issue_date else UNDATED
        return f"{date}|{article.source}|{article.order:06d}|{article.pk:012d}"
