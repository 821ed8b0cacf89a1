from django.conf import settings
from django.db import models


class Note(models.Model):
    """An annotation with nothing around it: no passage, tags, audiences or index."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    paragraph = models.IntegerField()
    start = models.IntegerField()
    end = models.IntegerField()
    note = models.TextField(blank=True)
    visibility = models.CharField(max_length=10, default="private")
    modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"note {self.pk} on paragraph {self.paragraph}"
