from django.contrib import admin

from annotations.models import Annotation, Tag, TagDescription, TaggedAnnotation
from annotations.permissions import may_administer


class OperatorsOnly:
    """Annotations and tags in the admin: for the operator alone (permissions.py)."""

    def has_module_permission(self, request):
        return may_administer(request.user)

    def has_view_permission(self, request, obj=None):
        return may_administer(request.user)

    def has_change_permission(self, request, obj=None):
        return may_administer(request.user)

    def has_add_permission(self, request, obj=None):
        return may_administer(request.user)

    def has_delete_permission(self, request, obj=None):
        return may_administer(request.user)


class TaggedAnnotationInline(OperatorsOnly, admin.TabularInline):
    model = TaggedAnnotation
    raw_id_fields = ["tag"]
    extra = 0


@admin.register(Annotation)
class AnnotationAdmin(OperatorsOnly, admin.ModelAdmin):
    list_display = ["__str__", "owner", "article", "visibility", "anchor", "modified"]
    list_filter = ["visibility", "anchor", "tags", "article__publication"]
    search_fields = ["quote", "note", "owner__username", "article__title"]
    raw_id_fields = ["owner", "article", "start_paragraph", "end_paragraph"]
    readonly_fields = ["note_html", "prefix", "suffix"]
    list_select_related = ["owner", "article"]
    date_hierarchy = "created"
    inlines = [TaggedAnnotationInline]
    exclude = ["tags"]


class TagDescriptionInline(OperatorsOnly, admin.TabularInline):
    model = TagDescription
    fields = ["audience", "text"]
    extra = 0


@admin.register(Tag)
class TagAdmin(OperatorsOnly, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "descriptions__text"]
    inlines = [TagDescriptionInline]
