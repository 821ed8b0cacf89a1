from django.contrib import admin

from annotations.changes import annotations_changed
from annotations.models import Annotation, Tag, TaggedAnnotation
from annotations.permissions import may_administer
from annotations.tagging import follow_audience


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

    # What the admin changes, the search index must hear of (annotations.changes).
    # A change of visibility or owner, or a tag added here from another audience: the
    # tags follow the annotation into its audience (annotations.tagging).
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        follow_audience([form.instance])
        annotations_changed([form.instance], tags_changed=True)

    def delete_model(self, request, obj):
        annotations_changed([obj], tags_moved=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        annotations_changed(queryset.prefetch_related("tags"), tags_moved=True)
        super().delete_queryset(request, queryset)


@admin.register(Tag)
class TagAdmin(OperatorsOnly, admin.ModelAdmin):
    list_display = ["name", "audience", "slug"]
    list_filter = ["audience"]
    search_fields = ["name", "slug", "description"]

    def get_readonly_fields(self, request, obj=None):
        # Its annotations are in its audience: moving the tag alone would break that.
        return ["audience"] if obj is not None else []

    # A tag's name is in its annotations' notes documents; its slug in paragraphs' tags.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            annotations_changed(Annotation.objects.filter(tags=obj), tags_changed=True)

    def delete_model(self, request, obj):
        annotations_changed(Annotation.objects.filter(tags=obj), tags_changed=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        carrying = Annotation.objects.filter(tags__in=queryset).distinct()
        annotations_changed(carrying, tags_changed=True)
        super().delete_queryset(request, queryset)
