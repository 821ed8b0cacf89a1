"""Who follows whose changes: the search index follows the archive and the annotations.

The lower layers say where they change things (archive.changes, annotations.changes, and
ingest's `index`); this is where they are told whom to tell. Deleting a user takes their
annotations with them in a cascade that no code of ours runs, so that one is heard here.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete

from annotations import changes as annotation_changes
from annotations.models import Annotation
from archive import changes as archive_changes
from search.indexing import AppliedAfterCommit
from search.outbox import Outbox

# Inline, the process that made a change applies it after commit; with a worker, the
# change waits in the outbox for `manage.py index_worker` (settings.INDEX_UPDATES).
OUTBOX = AppliedAfterCommit() if settings.COMMONPLACE_INDEX_UPDATES == "inline" else Outbox()


def connect() -> None:
    archive_changes.connect(OUTBOX.articles_changed)
    annotation_changes.connect(OUTBOX)
    pre_delete.connect(
        annotations_of_deleted_user, sender=get_user_model(), dispatch_uid="commonplace-user"
    )


def annotations_of_deleted_user(sender, instance, **kwargs) -> None:
    """Before a user goes, with their annotations: those must leave the index too."""
    mine = Annotation.objects.filter(owner_id=instance.pk).prefetch_related("tags")
    annotation_changes.annotations_changed(mine, tags_moved=True)
