from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from annotations.anchoring import ArticleText, Passage, Position
from annotations.notes import render_note
from archive.models import Article, Paragraph


class Tag(TagBase):
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self) -> str:
        return reverse("annotations:tag", kwargs={"slug": self.slug})


class TaggedAnnotation(TaggedItemBase):
    content_object = models.ForeignKey("Annotation", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_annotations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="annotation_tag_once")
        ]


def tag_names_of(annotation_ids) -> dict[int, list[str]]:
    """Each annotation's tag names, in Tag's order, in one light query: taggit's prefetch
    costs twice as much where only the names are shown."""
    names: dict[int, list[str]] = {}
    pairs = TaggedAnnotation.objects.filter(content_object_id__in=annotation_ids)
    for annotation_id, name in pairs.order_by("tag__name").values_list(
        "content_object_id", "tag__name"
    ):
        names.setdefault(annotation_id, []).append(name)
    return names


def anonymous_reads_shared() -> bool:
    return settings.COMMONPLACE_ANONYMOUS_READS_SHARED


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user) -> AnnotationQuerySet:
        """A private annotation is its owner's alone; shared ones are for every signed-in
        user, and for anonymous visitors only when the setting allows."""
        if user is not None and user.is_authenticated:
            return self.filter(Q(owner=user) | Q(visibility=Annotation.Visibility.SHARED))
        if anonymous_reads_shared():
            return self.filter(visibility=Annotation.Visibility.SHARED)
        return self.none()

    def editable_by(self, user) -> AnnotationQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.visible_to(user)
        return self.filter(owner=user)

    def with_tag(self, tag: str) -> AnnotationQuerySet:
        """By slug or by name, ignoring case."""
        return self.filter(Q(tags__slug=tag) | Q(tags__name__iexact=tag)).distinct()

    def containing(self, text: str) -> AnnotationQuerySet:
        return self.filter(Q(note__icontains=text) | Q(quote__icontains=text))

    def matching(self, params) -> AnnotationQuerySet:
        """Narrowed by the filters the list page and the API share: article (slug), tag
        (name or slug), user (username), q (text in note or quote), orphaned."""
        annotations = self
        if params.get("article"):
            annotations = annotations.filter(article__slug=params["article"])
        if params.get("tag"):
            annotations = annotations.with_tag(params["tag"])
        if params.get("user"):
            annotations = annotations.filter(owner__username=params["user"])
        if params.get("q"):
            annotations = annotations.containing(params["q"])
        if str(params.get("orphaned", "")).lower() in ("1", "true", "yes", "on"):
            annotations = annotations.filter(anchor=Annotation.Anchor.ORPHANED)
        return annotations

    def in_document_order(self) -> AnnotationQuerySet:
        return self.order_by(
            models.F("article__issue_date").asc(nulls_last=True),
            "article__source",
            "article__order",
            "article_id",
            models.F("start_paragraph__position").asc(nulls_last=True),
            "start_offset",
            "pk",
        )

    def for_display(self) -> AnnotationQuerySet:
        return self.select_related(
            "owner", "article", "start_paragraph__section", "end_paragraph"
        ).prefetch_related("tags")


class Annotation(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private"
        SHARED = "shared", "Shared"

    class Anchor(models.TextChoices):
        ANCHORED = "anchored", "Anchored"
        FUZZY = "fuzzy", "Re-anchored to changed text"
        ORPHANED = "orphaned", "Orphaned"

    # The same annotation on any server: exports carry it, imports match on it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    # PROTECT: deleting an article must not silently take its readers' notes with it.
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="annotations")
    start_paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annotations_starting",
    )
    start_offset = models.PositiveIntegerField()
    end_paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annotations_ending",
    )
    end_offset = models.PositiveIntegerField()
    quote = models.TextField()
    prefix = models.CharField(max_length=32, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True)
    note_html = models.TextField(blank=True, editable=False)
    tags = TaggableManager(through=TaggedAnnotation, blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    anchor = models.CharField(max_length=8, choices=Anchor.choices, default=Anchor.ANCHORED)
    created = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(default=timezone.now)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start_paragraph__position", "start_offset", "pk"]
        indexes = [
            models.Index(fields=["owner", "visibility"]),
            models.Index(fields=["visibility"]),
        ]

    def __str__(self) -> str:
        return f"{self.owner} on {self.article}: {self.quote[:60]}"

    def save(self, *args, touch: bool = True, **kwargs):
        """Render the note; touch=False keeps `modified` (imports restore it as it was)."""
        self.note_html = render_note(self.note)
        if touch:
            self.modified = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}?annotation={self.pk}"

    @property
    def orphaned(self) -> bool:
        return self.anchor == self.Anchor.ORPHANED

    def is_visible_to(self, user) -> bool:
        if user is not None and user.is_authenticated and self.owner_id == user.pk:
            return True
        if self.visibility != self.Visibility.SHARED:
            return False
        return bool(user is not None and user.is_authenticated) or anonymous_reads_shared()

    def can_edit(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        return self.owner_id == user.pk or (user.is_staff and self.is_visible_to(user))

    def place(self, passage: Passage, text: ArticleText) -> None:
        """Anchor to a passage of the article's text, taking its quote and context."""
        prefix, suffix = text.context(passage)
        self.start_paragraph_id, self.start_offset = passage.start.paragraph, passage.start.offset
        self.end_paragraph_id, self.end_offset = passage.end.paragraph, passage.end.offset
        self.quote, self.prefix, self.suffix = text.quote(passage), prefix, suffix

    def orphan(self) -> None:
        """Keep everything said about the passage, but no longer claim where it is."""
        self.anchor = self.Anchor.ORPHANED
        self.start_paragraph = self.end_paragraph = None

    @property
    def passage(self) -> Passage | None:
        if self.start_paragraph_id is None or self.end_paragraph_id is None:
            return None
        return Passage(
            Position(self.start_paragraph_id, self.start_offset),
            Position(self.end_paragraph_id, self.end_offset),
        )

    def paragraph_ids(self) -> list[int]:
        """Every paragraph the passage touches, first to last."""
        if self.passage is None:
            return []
        first, last = self.start_paragraph.position, self.end_paragraph.position
        return list(
            Paragraph.objects.filter(
                article_id=self.article_id, position__gte=first, position__lte=last
            ).values_list("pk", flat=True)
        )


def tags_visible_to(user) -> models.QuerySet:
    """Tags in use, each with `count`: how many annotations the user may see carry it."""
    visible = Annotation.objects.visible_to(user)
    return (
        Tag.objects.annotate(
            count=models.Count(
                "tagged_annotations",
                filter=Q(tagged_annotations__content_object__in=visible),
                distinct=True,
            )
        )
        .filter(count__gt=0)
        .order_by("name")
    )


def article_text(article_id: int) -> ArticleText:
    return ArticleText(
        list(
            Paragraph.objects.filter(article_id=article_id)
            .order_by("position")
            .values_list("pk", "text")
        )
    )
