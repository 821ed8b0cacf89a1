"""Several processes writing to the search index at once: no LockError, no lost update."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
EDITS_PER_WORKER = 8

# Each worker edits its own paragraphs one save at a time; every save commits and then
# flushes the index from this process, racing the other workers for the write lock.
WORKER = """
import django, sys
django.setup()
from django.db import transaction
from archive.changes import articles_changed
from archive.models import Paragraph
worker = int(sys.argv[1])
ids = list(Paragraph.objects.order_by("pk").values_list("pk", flat=True))
for edit in range({edits}):
    with transaction.atomic():  # as the admin saves a paragraph
        paragraph = Paragraph.objects.get(pk=ids[worker * {edits} + edit])
        paragraph.text = paragraph.text + " zebra" + str(worker) + "x" + str(edit)
        paragraph.save()
        articles_changed([paragraph.article_id])
"""

CHECK = """
import django, json
django.setup()
from archive.models import Paragraph
from search import indexing, outbox
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
    "pending": outbox.pending_count(),
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
from django.db import transaction
from search import outbox
from archive.models import Paragraph
with transaction.atomic():  # recorded, committed, and never applied: the process dies
    paragraph = Paragraph.objects.order_by("pk").first()
    paragraph.text += " kumquat"
    paragraph.save()
    outbox.articles_changed([paragraph.article_id])
os._exit(0)
"""
    assert run(data_dir_env, code=crash).returncode == 0
    check = """
import django, json
django.setup()
from search import indexing, outbox
from search.query import SearchRequest, search
from annotations.permissions import Viewer
before = (outbox.pending_count(), search(SearchRequest(q="kumquat"), Viewer.of(None)).count)
applied = indexing.flush()
print(json.dumps([before, applied, search(SearchRequest(q="kumquat"), Viewer.of(None)).count]))
"""
    result = run(data_dir_env, code=check)
    assert result.returncode == 0, result.stderr
    before, applied, after = json.loads(result.stdout)
    assert before == [1, 0]
    assert (applied, after) == (1, 1)


# One process holds the index (as a long ingest would) while another saves a note ------

HOLDER = """
import django, sys, time
django.setup()
from search import indexing, outbox
hold, then_apply = float(sys.argv[1]), sys.argv[2] == "apply"
with indexing.backend().write_lock():
    print("held", flush=True)
    if then_apply:  # once someone's change is waiting, apply it with its own
        while not outbox.pending_count():
            time.sleep(0.02)
        indexing.flush()
    time.sleep(hold)
"""

WRITER = """
import django, json, time
django.setup()
from django.contrib.auth import get_user_model
from django.db import transaction
from annotations.permissions import Viewer
from search import outbox
from search.query import SearchRequest, search
from tests.conftest import annotate
owner = get_user_model().objects.get_or_create(username="owner")[0]
began = time.monotonic()
with transaction.atomic():  # as a request saves it: applied once committed, briefly
    annotate(owner, "prawn cocktail", note="kumquat")
print(json.dumps({
    "applied": outbox.pending_count() == 0,
    "seconds": time.monotonic() - began,
    "pending": outbox.pending_count(),
    "found": search(SearchRequest(q="kumquat"), Viewer.of(owner)).notes_count,
}))
"""


def save_while_held(env: dict, hold: float, then_apply: bool) -> dict:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(hold), "apply" if then_apply else "keep"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        result = run(env, code=WRITER)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    finally:
        holder.communicate(timeout=60)


def test_a_save_is_applied_by_the_process_holding_the_index(data_dir_env):
    """The holder applies the pending rows, everyone's; the saver, still waiting, finds
    them applied and answers, the lock never its own."""
    state = save_while_held(data_dir_env, hold=3, then_apply=True)
    assert state["applied"] and state["pending"] == 0 and state["found"] == 1
    assert state["seconds"] < 1.5


def test_a_save_applies_its_rows_once_the_holder_lets_go(data_dir_env):
    state = save_while_held(data_dir_env, hold=0.5, then_apply=False)
    assert state["applied"] and state["pending"] == 0 and state["found"] == 1


def test_a_save_answers_after_its_wait_and_its_rows_wait_their_turn(data_dir_env):
    state = save_while_held(data_dir_env, hold=5, then_apply=False)
    assert not state["applied"] and state["pending"] > 0
    assert 1.4 < state["seconds"] < 2.5  # INDEX_WAIT_SECONDS, then it answers
    check = "import django; django.setup(); from search import indexing; print(indexing.flush())"
    assert int(run(data_dir_env, code=check).stdout) > 0  # the next flush applies them
