import uuid
from functools import cached_property

from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.anchoring import ArticleText, Passage, Position
from annotations.changes import annotations_changed
from annotations.models import Annotation, Tag, tags_of
from annotations.permissions import Viewer
from annotations.tagging import follow_audience, set_tags
from archive.models import Paragraph

MAX_NOTE_CHARS = 20_000
MAX_TAGS = 50
MAX_TAG_CHARS = 100
ANCHOR_FIELDS = ("paragraph", "start", "end_paragraph", "end")
# The columns a move rewrites.
PLACEMENT_FIELDS = [
    "article",
    "start_paragraph",
    "start_offset",
    "end_paragraph",
    "end_offset",
    "quote",
    "prefix",
    "suffix",
    "anchor",
]


class ArticleRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class TagNamesField(serializers.ListField):
    """Tag names in, tag names out (sorted, as tags_of gives them)."""

    child = serializers.CharField(max_length=MAX_TAG_CHARS)

    def get_attribute(self, annotation: Annotation) -> list:
        return tags_of(annotation)

    def to_representation(self, tags) -> list[str]:
        return [tag.name for tag in tags]


class TagLinkSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url", help_text="The tag's page.")


# An unsaved annotation whose uid is all zeros: its permalink is every permalink's pattern.
_PERMALINK_OF_NONE = Annotation(uid=uuid.UUID(int=0))


class AnnotationSerializer(serializers.ModelSerializer):
    article = ArticleRefSerializer(read_only=True)
    paragraph = serializers.IntegerField(
        source="start_paragraph_id",
        allow_null=True,
        help_text="The id of the paragraph the passage starts in (null when orphaned).",
    )
    start = serializers.IntegerField(
        source="start_offset", min_value=0, help_text="Code points from the paragraph start."
    )
    end_paragraph = serializers.IntegerField(
        source="end_paragraph_id",
        required=False,
        allow_null=True,
        help_text="The paragraph the passage ends in; the start paragraph by default.",
    )
    end = serializers.IntegerField(
        source="end_offset", min_value=0, help_text="Code points, end exclusive."
    )
    quote = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="The exact text at these offsets; when sent, it must match.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE_CHARS
    )
    note_html = serializers.CharField(read_only=True, help_text="The note, rendered and safe.")
    tags = TagNamesField(
        required=False,
        max_length=MAX_TAGS,
        help_text="Tag names; case does not make a new tag.",
    )
    visibility = serializers.ChoiceField(
        choices=Annotation.Visibility.choices, required=False, default="private"
    )
    user = serializers.CharField(source="owner.username", read_only=True)
    url = serializers.SerializerMethodField(help_text="The annotation in the reader.")
    permalink = serializers.SerializerMethodField(
        help_text="Its stable public address, by uid: opens the reader on it for whoever "
        "may see it."
    )
    original_passage_url = serializers.SerializerMethodField(
        help_text="The passage in the page the article first appeared on (a text-fragment "
        "link), or null when the article has no original address."
    )
    orphaned = serializers.BooleanField(read_only=True)
    anchor = serializers.ChoiceField(
        choices=Annotation.Anchor.choices,
        required=False,
        help_text="Set by the server; its owner may PATCH a re-anchored ('fuzzy') annotation "
        "to 'anchored' once they have checked it against the changed text.",
    )
    version = serializers.IntegerField(
        read_only=True, help_text="Bumped by every change; send it back in If-Match."
    )
    tag_links = serializers.SerializerMethodField(help_text="Each tag's name and page.")
    mine = serializers.SerializerMethodField(help_text="Whether you wrote it.")
    can_edit = serializers.SerializerMethodField(help_text="Whether you may change it.")
    client_key = serializers.UUIDField(
        required=False,
        write_only=True,
        help_text="A key the client makes once per new annotation (a UUID): sending the "
        "same key again returns the annotation it made, rather than another.",
    )

    class Meta:
        model = Annotation
        fields = [
            "id",
            "article",
            "paragraph",
            "start",
            "end_paragraph",
            "end",
            "quote",
            "prefix",
            "suffix",
            "note",
            "note_html",
            "tags",
            "visibility",
            "user",
            "created",
            "modified",
            "url",
            "permalink",
            "original_passage_url",
            "anchor",
            "orphaned",
            "version",
            "tag_links",
            "mine",
            "can_edit",
            "client_key",
        ]
        read_only_fields = ["prefix", "suffix", "created", "modified"]

    @cached_property
    def viewer(self) -> Viewer:
        # Once per answer: a list serializes every annotation with the same child.
        return Viewer.of(self.context["request"].user)

    def get_url(self, annotation: Annotation) -> str:
        # Each article's URL made once per answer, as the tags' are: reversed for each
        # of 500 annotations on the reader's page, it was a sixth of the page's time.
        urls = self.context.setdefault("article_urls", {})
        article_url = urls.get(annotation.article_id) or urls.setdefault(
            annotation.article_id,
            self.context["request"].build_absolute_uri(annotation.article.get_absolute_url()),
        )
        return annotation.url_on(article_url)

    def get_permalink(self, annotation: Annotation) -> str:
        # Reversed once per answer, like the article URLs above: the uid is its only part
        # that differs from one annotation to the next.
        template = self.context.get("permalink_template") or self.context.setdefault(
            "permalink_template",
            self.context["request"].build_absolute_uri(_PERMALINK_OF_NONE.get_permalink()),
        )
        return template.replace(str(_PERMALINK_OF_NONE.uid), str(annotation.uid))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_original_passage_url(self, annotation: Annotation) -> str | None:
        return annotation.original_passage_url() or None

    @extend_schema_field(TagLinkSerializer(many=True))
    def get_tag_links(self, annotation: Annotation) -> list[dict]:
        # As TagLinkSerializer says it, without a serializer per annotation, and each
        # tag's URL made once per answer: with 500 annotations on the reader's page,
        # those were a third of its time.
        urls = self.context.setdefault("tag_urls", {})
        return [
            {
                "name": tag.name,
                "url": urls.get(tag.slug) or urls.setdefault(tag.slug, tag.get_absolute_url()),
            }
            for tag in tags_of(annotation)
        ]

    def get_mine(self, annotation: Annotation) -> bool:
        return self.viewer.is_own(annotation)

    def get_can_edit(self, annotation: Annotation) -> bool:
        return self.viewer.may_edit(annotation)

    def validate_tags(self, names: list[str]) -> list[str]:
        unique: dict[str, str] = {}
        for name in names:
            name = name.strip()
            if not name:
                raise serializers.ValidationError("A tag cannot be empty.")
            unique.setdefault(name.lower(), name)
        return list(unique.values())

    def validate_anchor(self, value: str) -> str:
        """Only the "text changed" flag may be cleared: an orphan is attached by moving it."""
        current = getattr(self.instance, "anchor", None)
        if self.instance is None or value == current:
            return value
        if value != Annotation.Anchor.ANCHORED or current != Annotation.Anchor.FUZZY:
            raise serializers.ValidationError(
                "Only a re-anchored annotation can be marked as checked, by sending "
                "'anchored'; an orphaned one is attached by sending a passage."
            )
        return value

    def validate(self, attrs: dict) -> dict:
        if self.instance is None:
            attrs.pop("anchor", None)  # the server places a new annotation
        anchoring = any(field in self.initial_data for field in ANCHOR_FIELDS)
        if self.instance is None or anchoring:
            attrs["passage"], attrs["text"] = self._passage(attrs)
            quote = attrs["text"].quote(attrs["passage"])
            if not quote.strip():
                raise serializers.ValidationError({"end": "The passage holds no text."})
            if "quote" in attrs and attrs["quote"] != quote:
                raise serializers.ValidationError(
                    {"quote": f"Does not match the text at these offsets, which reads {quote!r}."}
                )
        elif "quote" in attrs:
            raise serializers.ValidationError(
                {"quote": "Send it with paragraph, start and end to move the annotation."}
            )
        attrs.pop("quote", None)
        return attrs

    def _passage(self, attrs: dict) -> tuple[Passage, ArticleText]:
        """Check the offsets against the paragraphs they name; one message per field."""
        instance = self.instance
        start_id = attrs.get("start_paragraph_id", getattr(instance, "start_paragraph_id", None))
        if start_id is None:
            raise serializers.ValidationError({"paragraph": "This field is required."})
        # Unordered (the default order joins the articles); the article comes with it, for
        # the answer to name.
        paragraphs = Paragraph.objects.order_by().select_related("article")
        start = paragraphs.filter(pk=start_id).first()
        if start is None:
            raise serializers.ValidationError({"paragraph": f"There is no paragraph {start_id}."})
        end = start
        # A field left out keeps its value: PATCH {"end": 9} must not shrink ¶5-¶7 to ¶5.
        end_id = attrs.get(
            "end_paragraph_id",
            getattr(instance, "end_paragraph_id", None)
            if "start_paragraph_id" not in attrs
            else None,
        )
        if end_id is not None and end_id != start.pk:
            end = paragraphs.filter(pk=end_id).first()
            if end is None:
                raise serializers.ValidationError(
                    {"end_paragraph": f"There is no paragraph {end_id}."}
                )
            if end.article_id != start.article_id:
                raise serializers.ValidationError(
                    {"end_paragraph": "It is in another article than the start paragraph."}
                )
            if end.position < start.position:
                raise serializers.ValidationError(
                    {"end_paragraph": "It comes before the start paragraph."}
                )
        offsets = {
            "start": attrs.get("start_offset", getattr(instance, "start_offset", None)),
            "end": attrs.get("end_offset", getattr(instance, "end_offset", None)),
        }
        for field, paragraph in (("start", start), ("end", end)):
            if offsets[field] is None:
                raise serializers.ValidationError({field: "This field is required."})
            if offsets[field] > len(paragraph.text):
                raise serializers.ValidationError(
                    {
                        field: f"{offsets[field]} is outside paragraph {paragraph.pk}, "
                        f"which has {len(paragraph.text)} characters."
                    }
                )
        if start.pk == end.pk and offsets["start"] >= offsets["end"]:
            raise serializers.ValidationError({"end": "It must come after start."})
        text = ArticleText(
            list(
                Paragraph.objects.filter(
                    article_id=start.article_id,
                    position__gte=start.position,
                    position__lte=end.position,
                )
                .order_by("position")
                .values_list("pk", "text")
            )
        )
        attrs["article"] = start.article
        # Kept for the answer, whose link to the original passage quotes both; set on the
        # annotation only once it is placed, which remembers the span it leaves.
        attrs["paragraphs"] = (start, end)
        passage = Passage(Position(start.pk, offsets["start"]), Position(end.pk, offsets["end"]))
        return passage, text

    @transaction.atomic
    def create(self, validated: dict) -> Annotation:
        tags = validated.pop("tags", [])
        passage, text = validated.pop("passage"), validated.pop("text")
        paragraphs = validated.pop("paragraphs")
        annotation = Annotation(**validated)
        annotation.place(passage, text)
        annotation.start_paragraph, annotation.end_paragraph = paragraphs
        annotation.save()
        set_tags(annotation, tags)
        annotations_changed([annotation], tags_changed=bool(tags))
        return annotation

    @transaction.atomic
    def update(self, annotation: Annotation, validated: dict) -> Annotation:
        """Write only what was sent (the caller holds the row locked), so that a change
        made meanwhile to another field is kept."""
        tags = validated.pop("tags", None)
        passage, text = validated.pop("passage", None), validated.pop("text", None)
        paragraphs = validated.pop("paragraphs", None)
        changed = []
        for field in ("note", "visibility", "anchor"):
            if field in validated:
                setattr(annotation, field, validated[field])
                changed.append(field)
        if passage is not None:
            annotation.article = validated["article"]
            annotation.place(passage, text)  # remembers the span it leaves
            annotation.start_paragraph, annotation.end_paragraph = paragraphs
            annotation.anchor = Annotation.Anchor.ANCHORED
            changed += PLACEMENT_FIELDS
        annotation.save(update_fields=changed)
        if tags is not None:
            set_tags(annotation, tags)
        elif "visibility" in changed:
            follow_audience([annotation])
        annotations_changed(
            [annotation],
            tags_changed=tags is not None,
            tags_moved=passage is not None or "visibility" in changed,
        )
        return annotation


class TagSerializer(serializers.ModelSerializer):
    count = serializers.IntegerField(read_only=True, help_text="Annotations you may see.")
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    description = serializers.CharField(
        read_only=True, default="", help_text="Your own description, else the shared one."
    )

    class Meta:
        model = Tag
        fields = ["name", "slug", "count", "description", "url"]


class TagListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = TagSerializer(many=True)


class NotePreviewSerializer(serializers.Serializer):
    note = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE_CHARS, write_only=True
    )
    note_html = serializers.CharField(read_only=True, help_text="The note, rendered and safe.")
