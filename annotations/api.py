from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.changes import annotations_changed
from annotations.filters import AnnotationFilters
from annotations.models import Annotation, attach_descriptions, tags_visible_to
from annotations.notes import render_note
from annotations.permissions import Viewer
from annotations.serializers import (
    AnnotationSerializer,
    NotePreviewSerializer,
    TagListSerializer,
    TagSerializer,
)

LIST_PARAMETERS = [
    OpenApiParameter("article", str, description="An article slug."),
    OpenApiParameter("tag", str, many=True, description="A tag name or slug; any of several."),
    OpenApiParameter("user", str, description="The annotator's username."),
    OpenApiParameter("visibility", str, enum=Annotation.Visibility.values),
    OpenApiParameter("since", OpenApiTypes.DATE, description="Created on or after."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Created on or before."),
    OpenApiParameter("q", str, description="Text in the note or the quote."),
    OpenApiParameter("orphaned", bool, description="Only annotations that lost their passage."),
]
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read; the change is refused (412) if the annotation changed since.",
)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def etag(annotation: Annotation) -> str:
    return f'"{annotation.version}"'


def check_precondition(request: Request, annotation: Annotation) -> None:
    """Refuse a change based on a version of the annotation that is no longer current."""
    expected = request.headers.get("If-Match")
    if expected is None or expected.strip() == "*":
        return
    offered = {tag.strip().removeprefix("W/") for tag in expected.split(",")}
    if etag(annotation) not in offered:
        raise PreconditionFailed(
            "This annotation was changed elsewhere since you opened it (it is now at "
            f"version {annotation.version}). Nothing was saved: reload it, then make your "
            "change again."
        )


@extend_schema_view(get=extend_schema(parameters=LIST_PARAMETERS))
class AnnotationList(generics.ListCreateAPIView):
    """Annotations you may see, in document order; POST to annotate a passage."""

    serializer_class = AnnotationSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        filters = AnnotationFilters(self.request.query_params)
        if not filters.is_valid():
            raise ValidationError({name: list(errors) for name, errors in filters.errors.items()})
        annotations = filters.apply(Annotation.objects.visible_to(self.request.user))
        return annotations.for_display().in_document_order()

    def paginate_queryset(self, queryset) -> list[Annotation] | None:
        """A page's ids are found first, then its rows read whole (as the list page)."""
        ids = super().paginate_queryset(queryset.ids_in_document_order())
        return None if ids is None else queryset.in_order_of(ids)

    def create(self, request: Request, *args, **kwargs) -> Response:
        """Make the annotation, once per client key: a repeat (a second click, a retry,
        even one racing the first) answers 200 with the annotation the first one made."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = serializer.validated_data.get("client_key")
        made = self._made_with(key)
        if made is None:
            try:
                with transaction.atomic():
                    serializer.save(owner=request.user)
            except IntegrityError:
                made = self._made_with(key)
                if made is None:
                    raise
            else:
                headers = self.get_success_headers(serializer.data)
                return Response(serializer.data, status=status.HTTP_201_CREATED, headers=headers)
        return Response(self.get_serializer(made).data, status=status.HTTP_200_OK)

    def _made_with(self, key) -> Annotation | None:
        if key is None:
            return None
        owned = Annotation.objects.filter(owner=self.request.user, client_key=key)
        return owned.for_display().first()


@extend_schema_view(
    patch=extend_schema(parameters=[IF_MATCH]), delete=extend_schema(parameters=[IF_MATCH])
)
class AnnotationDetail(generics.RetrieveUpdateDestroyAPIView):
    """One annotation: anyone who may see it reads it; its owner, or staff, change it.

    Responses carry an ETag; PATCH and DELETE honour If-Match. A change is made on the row
    as it is in the database at that moment, locked for the transaction, and writes only
    the fields it was given: two changes at once never undo each other.
    """

    serializer_class = AnnotationSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        # What the caller may not see does not exist for them: 404, not 403.
        return Annotation.objects.visible_to(self.request.user).for_display()

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        annotation = self.get_object()
        data = self.get_serializer(annotation).data
        return Response(data, headers={"ETag": etag(annotation)})

    def locked(self) -> Annotation:
        """The annotation, re-read and locked inside the caller's transaction."""
        queryset = self.get_queryset().select_for_update(of=("self",))
        annotation = get_object_or_404(queryset, pk=self.kwargs["pk"])
        if not Viewer.of(self.request.user).may_edit(annotation):
            raise PermissionDenied("Only its owner, or staff, may change this annotation.")
        check_precondition(self.request, annotation)
        return annotation

    def update(self, request: Request, *args, **kwargs) -> Response:
        with transaction.atomic():
            annotation = self.locked()
            serializer = self.get_serializer(annotation, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            # Read back while the row is still locked: a DELETE that follows at once
            # cannot make this read fail, and the answer is what was saved.
            annotation = self.get_queryset().get(pk=annotation.pk)
            data = self.get_serializer(annotation).data
        return Response(data, headers={"ETag": etag(annotation)})

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        with transaction.atomic():
            annotation = self.locked()
            annotations_changed([annotation], tags_moved=True)  # while its tags are there
            annotation.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TagList(APIView):
    """Tags in use, each counted over the annotations you may see."""

    @extend_schema(responses=TagListSerializer)
    def get(self, request: Request) -> Response:
        viewer = Viewer.of(request.user)
        tags = attach_descriptions(list(tags_visible_to(viewer)), viewer)
        data = TagSerializer(tags, many=True).data
        return Response({"count": len(data), "results": data})


class NotePreview(APIView):
    """A note as it will show once saved: rendered by the one renderer notes have."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=NotePreviewSerializer, responses=NotePreviewSerializer)
    def post(self, request: Request) -> Response:
        serializer = NotePreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"note_html": render_note(serializer.validated_data["note"])})
