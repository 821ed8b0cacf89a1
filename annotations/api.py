from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.models import Annotation, tags_visible_to
from annotations.serializers import AnnotationSerializer, TagListSerializer, TagSerializer

LIST_PARAMETERS = [
    OpenApiParameter("article", str, description="An article slug."),
    OpenApiParameter("tag", str, description="A tag name or slug."),
    OpenApiParameter("user", str, description="The annotator's username."),
    OpenApiParameter("q", str, description="Text in the note or the quote."),
    OpenApiParameter("orphaned", bool, description="Only annotations that lost their passage."),
]


class CanEditOrReadOnly(permissions.BasePermission):
    message = "Only its owner, or staff, may change this annotation."

    def has_object_permission(self, request, view, annotation: Annotation) -> bool:
        return request.method in permissions.SAFE_METHODS or annotation.can_edit(request.user)


@extend_schema_view(get=extend_schema(parameters=LIST_PARAMETERS))
class AnnotationList(generics.ListCreateAPIView):
    """Annotations you may see, in document order; POST to annotate a passage."""

    serializer_class = AnnotationSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        annotations = Annotation.objects.visible_to(self.request.user)
        return annotations.matching(self.request.query_params).for_display().in_document_order()

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)


class AnnotationDetail(generics.RetrieveUpdateDestroyAPIView):
    """One annotation: anyone who may see it reads it; its owner, or staff, change it."""

    serializer_class = AnnotationSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, CanEditOrReadOnly]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        # What the caller may not see does not exist for them: 404, not 403.
        return Annotation.objects.visible_to(self.request.user).for_display()


class TagList(APIView):
    """Tags in use, each counted over the annotations you may see."""

    @extend_schema(responses=TagListSerializer)
    def get(self, request: Request) -> Response:
        tags = TagSerializer(tags_visible_to(request.user), many=True).data
        return Response({"count": len(tags), "results": tags})
