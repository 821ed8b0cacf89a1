"""The jobs of uploads (archive.uploads): reading what was sent, storing what was
confirmed, outside the request that asked for it.

With UPLOAD_JOBS = "worker", `manage.py upload_worker` (which `make serve` starts beside
the index worker) runs them; with "thread" (runserver, tests), the request that queued a
job starts a thread of its process once its transaction commits. Either way a job is
claimed before it runs (archive.uploads.claim_next), so two runners never share one, and
a job whose runner died is taken up again.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from archive import uploads
from archive.models import Upload
from commonplace.ingesting import followers
from search.backends import IndexBusy

logger = logging.getLogger(__name__)

# While another ingest or a rebuild holds the index, a confirmed upload waits: a thread
# looks again this often, this many times, before leaving it to the next upload's thread.
RETRY_SECONDS = 2.0
THREAD_RETRIES = 150

_running = threading.Lock()
_again = threading.Event()


def run_pending() -> tuple[int, bool]:
    """Run the jobs waiting, one at a time: how many ran, and whether one was put back
    for later (the index held elsewhere), which ends this round."""
    uploads.discard_abandoned()
    ran = 0
    while upload := uploads.claim_next():
        if not run(upload):
            return ran, True
        ran += 1
    return ran, False


def run(upload: Upload) -> bool:
    """One claimed job; False when it was put back to wait. What goes wrong is kept on
    the upload for its page, never raised."""
    try:
        if upload.state == Upload.State.READING:
            uploads.read(upload)
        else:
            _store(upload)
    except IndexBusy:
        Upload.objects.filter(pk=upload.pk).update(state=Upload.State.CONFIRMED)
        return False
    except Exception:
        logger.exception("Upload %s: its job failed", upload.uid)
        uploads.fail(upload, "Something went wrong on the server; nothing more was stored.")
    return True


def _store(upload: Upload) -> None:
    with followers() as following:
        uploads.store(
            upload,
            index=following.index,
            on_rewritten=following.on_rewritten,
            annotations=following.annotations,
        )


def start_soon() -> None:
    """After the caller's transaction commits: run the jobs now waiting, in a thread of
    this process ("thread" mode; with "worker", the worker finds them itself)."""
    if settings.COMMONPLACE_UPLOAD_JOBS == "thread":
        transaction.on_commit(_start_thread)


def _start_thread() -> None:
    _again.set()
    threading.Thread(target=_run_in_thread, name="upload-jobs", daemon=True).start()


def _run_in_thread() -> None:
    # One runner a process at a time; a job queued while it runs is seen by its next look.
    if not _running.acquire(blocking=False):
        return
    try:
        retries = 0
        while _again.is_set() and retries <= THREAD_RETRIES:
            _again.clear()
            _, held_back = run_pending()
            if held_back:
                retries += 1
                _again.set()
                time.sleep(RETRY_SECONDS)
    finally:
        _running.release()
        if not connection.in_atomic_block:
            connection.close()
        close_old_connections()
