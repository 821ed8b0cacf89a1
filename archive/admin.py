from django.contrib import admin

from archive.changes import articles_changed
from archive.models import Article, Paragraph, Section


class TellsTheIndex:
    """What the admin changes in the archive, the search index must hear of."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        articles_changed([_article_id(form.instance)])

    def delete_model(self, request, obj):
        articles_changed([_article_id(obj)])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        field = "pk" if queryset.model is Article else "article_id"
        articles_changed(queryset.values_list(field, flat=True))
        super().delete_queryset(request, queryset)


def _article_id(obj) -> int:
    return obj.pk if isinstance(obj, Article) else obj.article_id


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order", "number", "title"]
    extra = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(TellsTheIndex, admin.ModelAdmin):
    list_display = ["title", "author", "publication", "issue_date", "source", "order"]
    list_filter = ["publication", "issue_date", "author"]
    search_fields = ["title", "standfirst", "author", "issue_title", "source"]
    readonly_fields = ["citation_key", "content_hash", "created", "modified"]
    date_hierarchy = "issue_date"
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(TellsTheIndex, admin.ModelAdmin):
    list_display = ["__str__", "article", "order"]
    list_filter = ["article__publication"]
    search_fields = ["title", "article__title"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]


@admin.register(Paragraph)
class ParagraphAdmin(TellsTheIndex, admin.ModelAdmin):
    list_display = ["__str__", "kind", "section", "excerpt"]
    list_filter = ["kind", "article__publication"]
    search_fields = ["text", "article__title"]
    list_select_related = ["article", "section"]
    raw_id_fields = ["article", "section"]

    @admin.display(description="Text")
    def excerpt(self, paragraph: Paragraph) -> str:
        return paragraph.text[:100]
