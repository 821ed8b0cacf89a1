from django.db import models


class PendingIndexUpdate(models.Model):
    """A change the search index has yet to take in: an outbox, written in the same
    transaction as the change, so a crash between commit and indexing loses nothing.
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", "All paragraphs of an article"
        PARAGRAPH = "paragraph", "A paragraph"
        ANNOTATION = "annotation", "An annotation"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
