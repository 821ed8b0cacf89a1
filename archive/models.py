import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from archive import parsing


def _count_per_article(model) -> Coalesce:
    # A subquery rather than a join: two joined Counts would multiply rows, and GROUP BY
    # would drop the model's default ordering.
    counts = (
        model.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


class ArticleQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(
            sections_count=_count_per_article(Section),
            paragraphs_count=_count_per_article(Paragraph),
        )


class Article(models.Model):
    class PublicationType(models.TextChoices):
        # What a reference manager calls it: CSL article-magazine or article-newspaper.
        MAGAZINE = "magazine", "Magazine"
        NEWSPAPER = "newspaper", "Newspaper"

    title = models.TextField()
    slug = models.SlugField(max_length=255, unique=True)
    standfirst = models.TextField(blank=True)
    author = models.CharField(max_length=255, blank=True, db_index=True)
    author_bio = models.TextField(blank=True)
    publication = models.CharField(max_length=255, blank=True)
    issue_date = models.DateField(null=True, blank=True, db_index=True)
    issue_title = models.TextField(blank=True)
    publication_type = models.CharField(
        max_length=16, choices=PublicationType.choices, default=PublicationType.MAGAZINE
    )
    citation_key = models.CharField(
        max_length=100,
        unique=True,
        help_text="What writing cites it by (giddens2010rise): given once, never changed.",
    )
    original_url = models.URLField(
        "original URL",
        max_length=2000,
        blank=True,
        help_text="Where the article was first published, when its source says so.",
    )
    doi = models.CharField("DOI", max_length=255, blank=True)
    corrections = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Details a person corrected when adding it ({field: {read, value}}): put back "
            "over the file's own on every later ingest (archive.corrections)."
        ),
    )
    source = models.CharField(
        "source file",
        max_length=500,
        help_text="The file it was ingested from, relative to the folder given to ingest.",
    )
    order = models.PositiveIntegerField(default=0, help_text="Position within its source file.")
    content_hash = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = [models.F("issue_date").asc(nulls_last=True), "source", "order", "id"]
        indexes = [models.Index(fields=["source", "order"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("archive:article", kwargs={"slug": self.slug})

    @property
    def original_link(self) -> str:
        """The original URL when it is a web address: a link to anything else (a
        javascript: URL a source slipped in) is never made."""
        return self.original_url if parsing.is_web_address(self.original_url) else ""


class Section(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveIntegerField(null=True, blank=True)
    # None, not "", for a section without a heading: the API promises null.
    title = models.TextField(null=True, blank=True)  # noqa: DJ001
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["article", "order"]

    def __str__(self) -> str:
        if self.number is None:
            return self.title or "(opening)"
        return f"{self.number}. {self.title}"

    @property
    def anchor(self) -> str:
        return f"s-{self.pk}"


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        BODY = "body", "Body"
        CORRECTION = "correction", "Correction"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="paragraphs")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField(help_text="1-based position within the article.")
    text = models.TextField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BODY)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="paragraph_position")
        ]

    def __str__(self) -> str:
        return f"{self.article} ¶{self.position}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"p-{self.pk}"


class UploadQuerySet(models.QuerySet):
    def of(self, user):
        """A user's own uploads: nobody else sees what they sent until it is stored."""
        return self.filter(owner_id=user.pk) if user.is_authenticated else self.none()


class Upload(models.Model):
    """Files sent from the Add articles page, from their arrival to the report of what was
    stored: read and stored outside the request (archive.uploads), by whoever runs its
    jobs. Its page follows `state`; the folder of files goes once it is stored or dropped."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be read"
        READING = "reading", "Reading"
        PREVIEWED = "previewed", "Read: waiting for you to confirm"
        CONFIRMED = "confirmed", "Waiting to be stored"
        STORING = "storing", "Storing"
        STORED = "stored", "Stored"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"

    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    # What was sent: [{"name": as the browser named it, "path": where it waits, in the
    # upload's folder}]; a zip's files join the list when it is read.
    files = models.JSONField(default=list)
    files_done = models.PositiveIntegerField(default=0)
    files_total = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=list)  # archive.uploads: a file's preview each
    corrections = models.JSONField(default=dict)  # "file:order" -> corrected fields
    report = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # Touched by the job as it goes: a job whose worker stopped is taken up again.
    heartbeat = models.DateTimeField(null=True, blank=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"upload {self.uid} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("archive:upload", kwargs={"uid": self.uid})

    @property
    def title(self) -> str:
        """What it is called: its first file's name, and how many more."""
        if not self.files:
            return "An upload"
        more = len(self.files) - 1
        first = self.files[0]["name"]
        return f"{first} and {more} more file{'s' if more > 1 else ''}" if more else first

    @property
    def busy(self) -> bool:
        """Work is waiting or under way: its page keeps watching."""
        return self.state in _BUSY

    @property
    def folder(self) -> Path:
        return Path(settings.COMMONPLACE_UPLOAD_DIR) / str(self.uid)


_BUSY = {Upload.State.WAITING, Upload.State.READING, Upload.State.CONFIRMED, Upload.State.STORING}
