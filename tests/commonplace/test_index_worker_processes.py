"""The index worker as a real process: SIGKILLed mid-batch it loses nothing and doubles
nothing; under gunicorn as `make serve` runs it, writes answer without the index and a
new note is searchable within two seconds. Each test has its own SQLite data directory."""

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.generate import write_corpus

ROOT = Path(__file__).resolve().parent.parent.parent

# What the index holds against what the database holds, and what is still pending.
COMPARE = """
import json, django
django.setup()
from collections import Counter
from django.conf import settings
from whoosh.index import open_dir
from archive.models import Paragraph
from search.models import PendingIndexUpdate
with open_dir(settings.HAYSTACK_CONNECTIONS["default"]["PATH"]).searcher() as searcher:
    ids = Counter(fields["id"] for fields in searcher.all_stored_fields())
paragraphs = {f"archive.paragraph.{pk}" for pk in Paragraph.objects.values_list("pk", flat=True)}
indexed = {key for key in ids if key.startswith("archive.paragraph.")}
print(json.dumps({
    "missing": len(paragraphs - indexed),
    "extra": len(indexed - paragraphs),
    "doubled": sum(1 for count in ids.values() if count > 1),
    "paragraphs": len(paragraphs),
    "pending": PendingIndexUpdate.objects.count(),
}))
"""
EVERY_ARTICLE_CHANGED = """
import django
django.setup()
from archive.models import Article
from search import outbox
outbox.articles_changed(Article.objects.values_list("pk", flat=True))
"""


@pytest.fixture
def data_dir(tmp_path):
    env = {
        **os.environ,
        "COMMONPLACE_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "tests-only",
        "HTTPS": "0",
        "DJANGO_SETTINGS_MODULE": "commonplace.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    write_corpus(tmp_path / "corpus", 30)
    for args in (["migrate", "-v0"], ["ingest", "--no-progress", str(tmp_path / "corpus")]):
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True
        )
        assert done.returncode == 0, done.stderr
    return tmp_path / "data", env


def python(env: dict, code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout or "null")


def index_locked(data: Path) -> bool:
    with open(f"{data / 'whoosh'}.lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(data_dir):
    data, env = data_dir
    python(env, EVERY_ARTICLE_CHANGED)
    pending = python(env, COMPARE)["pending"]
    assert pending == 30
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "index_worker"], cwd=ROOT, env=env, stdout=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while not index_locked(data):
        assert time.monotonic() < deadline, "the worker never took the index"
        time.sleep(0.01)
    time.sleep(0.5)  # well into a batch of 30 articles (about 1,200 paragraphs)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    assert python(env, COMPARE)["pending"] == pending  # the batch did not commit

    again = subprocess.run(
        [sys.executable, "manage.py", "index_worker", "--until-idle"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert f"{pending} rows applied" in again.stdout
    state = python(env, COMPARE)
    assert state["paragraphs"] > 1000
    assert state == {**state, "missing": 0, "extra": 0, "doubled": 0, "pending": 0}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(url: str, method: str, token: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


TOKEN = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from archive.models import Paragraph
user = get_user_model().objects.create_user("writer")
print(json.dumps({"token": Token.objects.create(user=user).key,
                  "paragraph": Paragraph.objects.order_by("pk").values_list("pk", flat=True)[5]}))
"""


UPLOAD = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from archive import receiving
user = get_user_model().objects.create_user("curator", is_staff=True)
text = b"Sent by hand\\n\\nA standfirst.\\n\\nA paragraph of an uploaded article.\\n"
upload = receiving.receive(user, [SimpleUploadedFile("sent.txt", text)], receiving.limits())
print(json.dumps(str(upload.uid)))
"""

UPLOAD_STATE = """
import json, django
django.setup()
from archive.models import Upload
print(json.dumps(Upload.objects.get().state))
"""


def test_make_serve_answers_writes_without_the_index_and_finds_them_within_two_seconds(
    data_dir,
):
    _, env = data_dir
    made = python(env, TOKEN)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:commonplace.gunicorn_conf",
         "commonplace.wsgi", "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env={**env, "INDEX_UPDATES": "worker", "UPLOAD_JOBS": "worker"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        found_after = []
        for round_ in range(3):
            word = f"quillwort{round_}"
            body = {"paragraph": made["paragraph"], "start": 0, "end": 4, "note": word}
            call(base + "/api/annotations", "POST", made["token"], body)
            written = time.monotonic()
            while time.monotonic() - written < 5:
                search = call(f"{base}/api/search?q={word}", "GET", made["token"])
                if search["notes"]["count"] == 1:
                    found_after.append(time.monotonic() - written)
                    break
                time.sleep(0.05)
        assert len(found_after) == 3 and max(found_after) < 2.0, found_after
        health = json.loads(urllib.request.urlopen(base + "/healthz", timeout=5).read())
        assert health["index_lag"] == "ok"
        # An upload that no request reads: the upload worker beside gunicorn does.
        python(env, UPLOAD)
        for _ in range(100):
            if python(env, UPLOAD_STATE) == "previewed":
                break
            time.sleep(0.1)
        assert python(env, UPLOAD_STATE) == "previewed"
        workers = [
            subprocess.run(
                ["pgrep", "-P", str(server.pid), "-f", name], capture_output=True, text=True
            ).stdout.split()
            for name in ("index_worker", "upload_worker")
        ]
        assert [len(pids) for pids in workers] == [1, 1]
    finally:
        server.terminate()
        server.wait(30)
    # gunicorn stopped its workers on the way out.
    assert not any(running(int(pids[0])) for pids in workers)


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except FileNotFoundError:
        return False
    return state not in "ZX"  # a zombie has exited; only its parent has not reaped it
