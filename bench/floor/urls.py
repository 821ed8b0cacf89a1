"""The load clients' routes, each the plainest DRF view that answers them. The search is
a substring match over the viewer's notes, a page of twenty: a query of the database
through the framework, with no engine, ranking, snippets or facets."""

from django.http import JsonResponse
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.floor.models import Note


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "paragraph", "start", "end", "note", "visibility", "modified"]


class OwnNotes:
    serializer_class = NoteSerializer

    def get_queryset(self):
        return Note.objects.filter(owner=self.request.user)


class Notes(OwnNotes, generics.ListCreateAPIView):
    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)


class OneNote(OwnNotes, generics.RetrieveUpdateDestroyAPIView):
    pass


class Search(APIView):
    def get(self, request):
        words = request.GET.get("q", "")[:5]
        rows = list(Note.objects.filter(note__icontains=words).values("id", "note")[:20])
        return Response({"count": len(rows), "results": rows})


urlpatterns = [
    path("api/annotations", Notes.as_view()),
    path("api/annotations/<int:pk>", OneNote.as_view()),
    path("api/search", Search.as_view()),
    path("healthz", lambda request: JsonResponse({"status": "ok"})),
]
