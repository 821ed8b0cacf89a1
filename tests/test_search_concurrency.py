"""Several processes writing to the search index at once: no LockError, no lost update."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.permissions import Viewer
from search import indexing
from search.models import PendingIndexUpdate
from search.query import SearchRequest, search
from tests.conftest import CORPUS, annotate

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
EDITS_PER_WORKER = 8

# Each worker edits its own paragraphs one save at a time; every save commits and then
# flushes the index from this process, racing the other workers for the write lock.
WORKER = """
import django, sys
django.setup()
from archive.models import Paragraph
worker = int(sys.argv[1])
ids = list(Paragraph.objects.order_by("pk").values_list("pk", flat=True))
for edit in range({edits}):
    paragraph = Paragraph.objects.get(pk=ids[worker * {edits} + edit])
    paragraph.text = paragraph.text + " zebra" + str(worker) + "x" + str(edit)
    paragraph.save()
"""

CHECK = """
import django, json
django.setup()
from archive.models import Paragraph
from search import indexing
from search.query import SearchRequest, search
from annotations.permissions import Viewer
counts = {{
    word: search(SearchRequest(q=word), Viewer.of(None)).count
    for word in ["zebra%dx%d" % (w, e) for w in range({workers}) for e in range({edits})]
}}
searcher = indexing.backend().searcher()
print(json.dumps({{
    "counts": counts,
    "documents": searcher.doc_count(),
    "paragraphs": Paragraph.objects.count(),
    "pending": indexing.pending_count(),
}}))
"""


def run(env: dict, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def data_dir_env(tmp_path) -> dict:
    env = {
        **os.environ,
        "COMMONPLACE_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "tests-only",
        "DJANGO_SETTINGS_MODULE": "commonplace.settings",
    }
    env.pop("DATABASE_URL", None)
    for args in (["manage.py", "migrate", "-v0"], ["manage.py", "ingest", str(CORPUS)]):
        result = run(env, *args)
        assert result.returncode == 0, result.stderr
    return env


def test_processes_writing_at_once_lose_nothing(data_dir_env):
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER.format(edits=EDITS_PER_WORKER), str(number)],
            cwd=ROOT,
            env=data_dir_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(WORKERS)
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=300)
        assert worker.returncode == 0, stderr
        assert "LockError" not in stderr and "deferred" not in stderr, stderr

    result = run(data_dir_env, code=CHECK.format(workers=WORKERS, edits=EDITS_PER_WORKER))
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["counts"] == {word: 1 for word in state["counts"]}
    assert len(state["counts"]) == WORKERS * EDITS_PER_WORKER
    assert state["documents"] == state["paragraphs"] == 78
    assert state["pending"] == 0


def test_updates_left_by_a_crashed_process_are_applied_by_the_next_flush(data_dir_env):
    # A process that commits and dies before flushing leaves its updates pending.
    crash = """
import django, os
django.setup()
from search import indexing
from archive.models import Paragraph
indexing.begin_deferral()  # queue without flushing, as during an ingest
paragraph = Paragraph.objects.order_by("pk").first()
paragraph.text += " kumquat"
paragraph.save()
os._exit(0)
"""
    assert run(data_dir_env, code=crash).returncode == 0
    check = """
import django, json
django.setup()
from search import indexing
from search.query import SearchRequest, search
from annotations.permissions import Viewer
before = (indexing.pending_count(), search(SearchRequest(q="kumquat"), Viewer.of(None)).count)
applied = indexing.flush()
print(json.dumps([before, applied, search(SearchRequest(q="kumquat"), Viewer.of(None)).count]))
"""
    result = run(data_dir_env, code=check)
    assert result.returncode == 0, result.stderr
    before, applied, after = json.loads(result.stdout)
    assert before == [1, 0]
    assert (applied, after) == (1, 1)


def pending_pks() -> list[int]:
    return list(PendingIndexUpdate.objects.values_list("pk", flat=True))


@pytest.mark.usefixtures("ingested")
def test_a_request_waits_while_the_holder_applies_its_rows(
    users, index_held_elsewhere, monkeypatch
):
    annotate(users.owner, "prawn cocktail", note="kumquat")
    pauses = []

    def holder_applies_them():
        # What the process holding the lock does meanwhile: apply the pending rows.
        pauses.append(True)
        PendingIndexUpdate.objects.all().delete()

    monkeypatch.setattr(indexing, "_pause", holder_applies_them)
    indexing.flush_until_applied(pending_pks())

    # It returned without the lock, which the other holder still has.
    assert len(pauses) == 1 and not index_held_elsewhere.is_set()


@pytest.mark.usefixtures("ingested")
def test_a_request_applies_its_rows_once_the_holder_lets_go(
    users, index_held_elsewhere, monkeypatch
):
    annotate(users.owner, "prawn cocktail", note="kumquat")
    monkeypatch.setattr(indexing, "_pause", lambda: index_held_elsewhere.set() or time.sleep(0.2))
    indexing.flush_until_applied(pending_pks())

    assert index_held_elsewhere.is_set() and indexing.pending_count() == 0
    viewer = Viewer.of(users.owner)
    assert search(SearchRequest(q="kumquat"), viewer).notes_count == 1
