from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from annotations import fragments
from annotations.anchoring import ArticleText, Passage, Position
from annotations.notes import note_as_text, render_note
from annotations.permissions import Viewer, audience_expression
from annotations.slugs import tag_slug
from archive.models import Article, Paragraph

MAX_TAG_DESCRIPTION_CHARS = 2_000
# Where for_display puts each annotation's tags (tags_of reads them).
FETCHED_TAGS = "fetched_tags"


class Tag(TagBase):
    """A tag within one audience's namespace (annotations.permissions): an annotation's
    tags are always those of its own audience, so a name one audience uses says nothing
    to another. Names are unique per audience whatever their case; slugs per audience.
    What the tag means to that audience is its description."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, allow_unicode=True)
    audience = models.CharField(max_length=64)
    description = models.TextField(blank=True, max_length=MAX_TAG_DESCRIPTION_CHARS)

    natural_key_fields = ["audience", "name"]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("audience", Lower("name"), name="tag_name_once_per_audience"),
            models.UniqueConstraint(fields=["audience", "slug"], name="tag_slug_once_per_audience"),
        ]

    def get_absolute_url(self) -> str:
        """The one place a tag's URL is made: pages, the API and the reader use it."""
        return reverse("annotations:tag", kwargs={"slug": self.slug})

    def slugify(self, tag: str, i: int | None = None) -> str:
        return tag_slug(tag, i)

    def save(self, *args, **kwargs):
        if not self.audience:
            # Taggit would make one from a bare name, outside every namespace.
            raise ValueError("A tag belongs to an audience: tag through annotations.tagging.")
        if self._state.adding and not self.slug:
            self.slug = self.free_slug()
        return super().save(*args, **kwargs)

    def free_slug(self) -> str:
        """The slug of its name, with the first free suffix its audience leaves it."""
        base = tag_slug(self.name)
        taken = set(
            Tag.objects.filter(audience=self.audience, slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, suffix = base, 1
        while slug in taken:
            slug, suffix = tag_slug(self.name, suffix), suffix + 1
        return slug


class TaggedAnnotation(TaggedItemBase):
    content_object = models.ForeignKey("Annotation", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_annotations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="annotation_tag_once")
        ]


def tag_names_of(annotation_ids) -> dict[int, list[str]]:
    """Each annotation's tag names, alphabetically whatever their case, in one light
    query: taggit's prefetch costs twice as much where only the names are shown."""
    names: dict[int, list[str]] = {}
    pairs = TaggedAnnotation.objects.filter(content_object_id__in=annotation_ids)
    for annotation_id, name in pairs.order_by(Lower("tag__name"), "tag__name").values_list(
        "content_object_id", "tag__name"
    ):
        names.setdefault(annotation_id, []).append(name)
    return names


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user_or_viewer) -> AnnotationQuerySet:
        """What a user (or Viewer) may see, as annotations.permissions decides."""
        viewer = user_or_viewer if isinstance(user_or_viewer, Viewer) else Viewer.of(user_or_viewer)
        return viewer.readable(self)

    def containing(self, text: str) -> AnnotationQuerySet:
        return self.filter(Q(note__icontains=text) | Q(quote__icontains=text))

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

    def ids_in_document_order(self) -> models.QuerySet:
        """Their ids alone, in document order: what a page sorts before it reads its own
        rows whole (in_order_of). Sorted whole, every visible annotation (its quote, note
        and both paragraphs' text) went through the sort to keep the fifty of one page."""
        return self.in_document_order().prefetch_related(None).values_list("pk", flat=True)

    def in_order_of(self, ids) -> list[Annotation]:
        """Those of these annotations whose ids are given, in the order given."""
        ids = list(ids)
        found = {annotation.pk: annotation for annotation in self.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]

    def for_display(self) -> AnnotationQuerySet:
        """With what a page, the API or an export shows of each annotation, its tags
        (tags_of) among them. The tags go in a list of their own: taggit's own prefetch
        builds a filtered queryset for each annotation to hold them, which was a third of
        the reader's time with 500 annotations."""
        return self.select_related(
            "owner", "article", "start_paragraph__section", "end_paragraph"
        ).prefetch_related(Prefetch("tags", to_attr=FETCHED_TAGS))


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
    # Who may read it, as annotations.permissions names audiences: computed by the
    # database from visibility and owner, so it is never out of step with them.
    audience = models.GeneratedField(
        expression=audience_expression(),
        output_field=models.CharField(max_length=64),
        db_persist=True,
        db_index=True,
    )
    # Bumped by every change, so that a client can say which version it changed (If-Match).
    version = models.PositiveIntegerField(default=1, editable=False)
    anchor = models.CharField(max_length=8, choices=Anchor.choices, default=Anchor.ANCHORED)
    # The key a client made when its form opened: a repeated POST (a double click, a retry)
    # finds the annotation it already made instead of making another.
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    created = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(default=timezone.now)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start_paragraph__position", "start_offset", "pk"]
        indexes = [
            models.Index(fields=["owner", "visibility"]),
            models.Index(fields=["visibility"]),
            # The lists' "your orphaned annotations" count, one probe instead of a scan.
            models.Index(fields=["owner", "anchor"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "client_key"], name="one_annotation_per_client_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} on {self.article}: {self.quote[:60]}"

    def save(self, *args, touch: bool = True, update_fields=None, **kwargs):
        """Render the note; touch=False keeps `modified` (imports
        restore it as it was). With update_fields, only those columns (and what derives
        from them) are written: a concurrent change to another field is kept."""
        self.note_html = render_note(self.note)
        if touch:
            self.modified = timezone.now()
        if update_fields is not None:
            update_fields = set(update_fields) | {"version"}
            if "note" in update_fields:
                update_fields.add("note_html")
            if touch:
                update_fields.add("modified")
        if not self._state.adding:
            self.version += 1
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self) -> str:
        return self.url_on(self.article.get_absolute_url())

    def url_on(self, article_url: str) -> str:
        """Its place on its article's page, whose URL is given: made once for many."""
        return f"{article_url}?annotation={self.pk}"

    def get_permalink(self) -> str:
        """Its stable address, by uid: the same on every server it is imported into, and
        whatever becomes of its article's slug or its own id."""
        return reverse("annotations:permalink", kwargs={"uid": self.uid})

    def original_passage_url(self) -> str:
        """A link to the passage in the page the article first appeared on (a text
        fragment); "" when the article has no original address or the passage was lost."""
        start, end = self.start_paragraph, self.end_paragraph
        if not self.article.original_url or start is None or end is None:
            return ""
        passage = fragments.Passage(
            start.text, self.start_offset, end.text, self.end_offset, start.pk == end.pk
        )
        return fragments.link(self.article.original_url, passage)

    @property
    def orphaned(self) -> bool:
        return self.anchor == self.Anchor.ORPHANED

    def place(self, passage: Passage, text: ArticleText) -> None:
        """Anchor to a passage of the article's text, taking its quote and context."""
        self._remember_span()
        prefix, suffix = text.context(passage)
        self.start_paragraph_id, self.start_offset = passage.start.paragraph, passage.start.offset
        self.end_paragraph_id, self.end_offset = passage.end.paragraph, passage.end.offset
        self.quote, self.prefix, self.suffix = text.quote(passage), prefix, suffix

    def orphan(self) -> None:
        """Keep everything said about the passage, but no longer claim where it is."""
        self._remember_span()
        self.anchor = self.Anchor.ORPHANED
        self.start_paragraph = self.end_paragraph = None

    def _remember_span(self) -> None:
        if not hasattr(self, "_span_before_move"):
            self._span_before_move = (self.start_paragraph_id, self.end_paragraph_id)

    def spans_covered(self) -> set[tuple[int | None, int | None]]:
        """The paragraph spans (first, last) it covers, and covered before a move made
        since it was loaded: the paragraphs whose tags it changes."""
        spans = {(self.start_paragraph_id, self.end_paragraph_id)}
        spans.add(getattr(self, "_span_before_move", (None, None)))
        return spans

    @property
    def passage(self) -> Passage | None:
        if self.start_paragraph_id is None or self.end_paragraph_id is None:
            return None
        return Passage(
            Position(self.start_paragraph_id, self.start_offset),
            Position(self.end_paragraph_id, self.end_offset),
        )


def tags_of(annotation: Annotation) -> list[Tag]:
    """An annotation's tags, alphabetically whatever their case: those for_display
    fetched with it, else read now."""
    tags = annotation.__dict__.get(FETCHED_TAGS)
    if tags is None:
        tags = annotation.tags.all()
    return sorted(tags, key=lambda tag: tag.name.lower())


def remember_tags(annotation: Annotation, tags: list[Tag]) -> None:
    """Once an annotation's tags have changed to these: what was read of them is stale,
    and tags_of answers with these, without asking the database again."""
    annotation.tags._remove_prefetched_objects()
    annotation.__dict__[FETCHED_TAGS] = list(tags)


def tags_visible_to(user_or_viewer) -> list[Tag]:
    """Tags in use, one per slug, each with `count`: how many annotations the viewer may
    see carry it; in name order regardless of case. A viewer's own "labour" and the shared
    "labour" are one tag to them, named as their own."""
    viewer = user_or_viewer if isinstance(user_or_viewer, Viewer) else Viewer.of(user_or_viewer)
    own = viewer.own_audience
    by_slug: dict[str, Tag] = {}
    for tag in sorted(viewer.tags(Tag.objects.all()), key=lambda t: (t.audience != own, t.pk)):
        first = by_slug.setdefault(tag.slug, tag)
        if first is not tag:
            first.count += tag.count
    return sorted(by_slug.values(), key=lambda tag: (tag.name.lower(), tag.pk))


@dataclass(frozen=True)
class Description:
    audience: str
    text: str

    @property
    def html(self) -> str:
        """The description's Markdown, shown as notes are (annotations.notes)."""
        return render_note(self.text)

    @property
    def as_text(self) -> str:
        return note_as_text(self.text)


def attach_descriptions(tags: list[Tag], viewer: Viewer) -> list[Tag]:
    """Give each tag `description`: the viewer's own, else the shared one they may read;
    and `descriptions_shown`: every one they may read, theirs first. A description is
    its tag's, in the tag's audience: whoever may not see the tag never reads it."""
    described = Tag.objects.filter(slug__in={tag.slug for tag in tags}).exclude(description="")
    by_slug: dict[str, list[Description]] = {}
    own = viewer.own_audience
    for tag in sorted(viewer.described_tags(described), key=lambda t: (t.audience != own, t.pk)):
        by_slug.setdefault(tag.slug, []).append(Description(tag.audience, tag.description))
    for tag in tags:
        tag.descriptions_shown = by_slug.get(tag.slug, [])
        first = tag.descriptions_shown[0] if tag.descriptions_shown else None
        tag.description = first.text if first else ""
        # What a list of tags shows of it: its words, without the Markdown.
        tag.description_text = first.as_text if first else ""
    return tags


def article_text(article_id: int) -> ArticleText:
    return ArticleText(
        list(
            Paragraph.objects.filter(article_id=article_id)
            .order_by("position")
            .values_list("pk", "text")
        )
    )
