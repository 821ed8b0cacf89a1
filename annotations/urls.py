from django.urls import path

from annotations import api, editing, views

app_name = "annotations"

urlpatterns = [
    path("annotations/", views.annotation_list, name="list"),
    path("annotations/export/", views.export, name="export"),
    path("annotations/<int:pk>/edit/", editing.annotation_edit, name="edit"),
    path("annotations/<int:pk>/delete/", editing.annotation_delete, name="delete"),
    # Outside /tags/ so that no tag's slug can shadow it.
    path("annotations/tags/rename/", views.tag_rename, name="tag-rename"),
    path("a/<uuid:uid>/", views.permalink, name="permalink"),
    path("tags/", views.tag_list, name="tags"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("tags/<str:slug>/describe/", views.tag_describe, name="tag-describe"),
]

api_urlpatterns = [
    path("annotations", api.AnnotationList.as_view(), name="annotations"),
    path("annotations/<int:pk>", api.AnnotationDetail.as_view(), name="annotation"),
    path("tags", api.TagList.as_view(), name="tags"),
    path("notes/preview", api.NotePreview.as_view(), name="note-preview"),
]
