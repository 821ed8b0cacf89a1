from django.contrib import admin

from archive.models import Article, Paragraph, Section


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order", "number", "title"]
    extra = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "publication", "issue_date", "source", "order"]
    list_filter = ["publication", "issue_date", "author"]
    search_fields = ["title", "standfirst", "author", "issue_title", "source"]
    readonly_fields = ["content_hash", "created", "modified"]
    date_hierarchy = "issue_date"
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "order"]
    list_filter = ["article__publication"]
    search_fields = ["title", "article__title"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "section", "excerpt"]
    list_filter = ["kind", "article__publication"]
    search_fields = ["text", "article__title"]
    list_select_related = ["article", "section"]
    raw_id_fields = ["article", "section"]

    @admin.display(description="Text")
    def excerpt(self, paragraph: Paragraph) -> str:
        return paragraph.text[:100]
