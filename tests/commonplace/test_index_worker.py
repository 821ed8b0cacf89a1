"""With INDEX_UPDATES=worker, a write records its outbox rows and answers; the index
worker applies everyone's rows in batches. Here in one process, with the worker's loop
run in the test; tests/commonplace/test_index_worker_processes.py kills a real one."""

import itertools
import json
import threading
import time

import pytest
from haystack import connections

from annotations import changes as annotation_changes
from archive import changes as archive_changes
from commonplace import wiring
from search import outbox
from search.models import PendingIndexUpdate
from search.outbox import Outbox
from search.worker import IndexWorker, Turn

pytestmark = pytest.mark.usefixtures("ingested")

MARKER = "quillwort"  # a word of no paragraph: found only in notes


@pytest.fixture
def worker_mode():
    """The outbox as settings.INDEX_UPDATES = "worker" wires it: nothing is applied by
    the process that writes."""
    left = Outbox()
    annotation_changes.connect(left)
    archive_changes.connect(left.articles_changed)
    yield
    wiring.connect()


def generation() -> int:
    """The index's commit count."""
    from whoosh.index import open_dir

    return open_dir(connections["default"].get_backend().path).latest_generation()


def post_note(client, paragraph_id: int, note: str, **fields) -> dict:
    body = {"paragraph": paragraph_id, "start": 0, "end": 5, "note": note, **fields}
    response = client.post("/api/annotations", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def notes_found(client, word: str) -> int:
    return client.get("/api/search", {"q": word}).json()["notes"]["count"]


def run_until_idle(**options) -> IndexWorker:
    worker = IndexWorker(**{"poll_seconds": 0, "gather_seconds": 0, **options})
    worker.run(threading.Event(), until_idle=True)
    return worker


def test_writes_leave_the_index_alone_and_one_batch_applies_them_all(
    worker_mode, client_for, users, django_capture_on_commit_callbacks
):
    from archive.models import Paragraph

    owner = client_for(users.owner)
    paragraphs = list(Paragraph.objects.order_by("pk").values_list("pk", flat=True)[:12])
    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        for number, pk in enumerate(paragraphs):
            post_note(owner, pk, f"{MARKER} {number}", tags=["batch"])
    assert generation() == before  # no request wrote to the index
    assert outbox.pending_count() >= len(paragraphs)
    assert notes_found(owner, MARKER) == 0  # not yet indexed: the safe way to be behind

    worker = run_until_idle()

    assert worker.report.rows >= len(paragraphs)
    assert generation() == before + 1  # twelve writes, one commit
    assert outbox.pending_count() == 0
    assert notes_found(owner, MARKER) == len(paragraphs)
    assert notes_found(client_for(users.other), MARKER) == 0  # private to the owner


def test_while_behind_what_is_made_private_is_hidden_at_once(
    worker_mode, client_for, users, django_capture_on_commit_callbacks
):
    from archive.models import Paragraph

    owner, other = client_for(users.owner), client_for(users.other)
    first = Paragraph.objects.order_by("pk").first()
    made = post_note(owner, first.pk, f"a {MARKER}", visibility="shared")
    run_until_idle()
    assert notes_found(other, MARKER) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.patch(
            f"/api/annotations/{made['id']}",
            json.dumps({"visibility": "private"}),
            content_type="application/json",
        )
    assert response.status_code == 200
    assert outbox.pending_count() > 0
    assert notes_found(other, MARKER) == 0
    run_until_idle()
    assert notes_found(other, MARKER) == 0
    assert notes_found(owner, MARKER) == 1


def test_the_worker_steps_aside_while_another_process_holds_the_index(
    worker_mode, index_held_elsewhere
):
    outbox.articles_changed([1])
    worker = IndexWorker(poll_seconds=0)
    assert worker.turn(threading.Event()) is Turn.BUSY
    assert outbox.pending_count() == 1
    index_held_elsewhere.set()  # the other process lets go
    for _ in range(200):
        if worker.turn(threading.Event()) is not Turn.BUSY:
            break
    assert outbox.pending_count() == 0
    assert worker.report.busy >= 1


def test_a_failed_turn_is_reported_and_tried_again(worker_mode):
    from search import indexing

    outbox.articles_changed([1])
    attempts = []

    def fails_once(**options):
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("database restarting")
        return indexing.drain(**options)

    worker = run_until_idle(drain=fails_once, retry_seconds=0)
    assert worker.report.failures == 1
    assert worker.report.errors == ["database restarting"]
    assert outbox.pending_count() == 0


def test_a_stop_finishes_the_batch_under_way_and_takes_no_more(worker_mode, monkeypatch):
    """SIGTERM sets the stop: the rows already taken are applied and deleted together,
    what came after waits for the next run."""
    from search import indexing

    outbox.articles_changed([1])
    stop = threading.Event()
    apply = indexing._apply

    def stopped_while_applying(search, by_kind):
        outbox.articles_changed([2])
        stop.set()
        apply(search, by_kind)

    monkeypatch.setattr(indexing, "_apply", stopped_while_applying)
    report = IndexWorker(poll_seconds=0).run(stop)
    assert report.rows == 1
    assert list(PendingIndexUpdate.objects.values_list("object_id", flat=True)) == [2]


def test_batches_in_a_row_are_gathered_apart(worker_mode, monkeypatch):
    """Under steady writes each batch waits for the next rows to gather, rather than
    committing whatever one row at a time brings; the first batch does not wait."""
    from search import indexing

    starts = []
    apply_batch = indexing._apply_batch

    def timed(search):
        started = time.monotonic()
        applied = apply_batch(search)
        if applied:
            starts.append(started)
        if 0 < len(starts) < 3:
            outbox.articles_changed([1])  # rows keep coming as batches are applied
        return applied

    monkeypatch.setattr(indexing, "_apply_batch", timed)
    outbox.articles_changed([1])
    began = time.monotonic()
    worker = run_until_idle(gather_seconds=0.3)
    assert worker.report.rows == 3
    assert starts[0] - began < 0.3
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 2 and all(gap >= 0.3 for gap in gaps)
