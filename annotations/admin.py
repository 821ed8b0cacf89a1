from django.contrib import admin

from annotations.models import Annotation, Tag, TagDescription, TaggedAnnotation


class TaggedAnnotationInline(admin.TabularInline):
    model = TaggedAnnotation
    raw_id_fields = ["tag"]
    extra = 0


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "article", "visibility", "anchor", "modified"]
    list_filter = ["visibility", "anchor", "tags", "article__publication"]
    search_fields = ["quote", "note", "owner__username", "article__title"]
    raw_id_fields = ["owner", "article", "start_paragraph", "end_paragraph"]
    readonly_fields = ["note_html", "prefix", "suffix"]
    list_select_related = ["owner", "article"]
    date_hierarchy = "created"
    inlines = [TaggedAnnotationInline]
    exclude = ["tags"]


class TagDescriptionInline(admin.TabularInline):
    model = TagDescription
    fields = ["audience", "text"]
    extra = 0


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "descriptions__text"]
    inlines = [TagDescriptionInline]
