"""What the API acknowledged stays acknowledged: versions, If-Match, and changes that
write only what they were given, so that two changes at once never undo each other."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from annotations.models import Annotation
from archive.models import Paragraph
from tests.conftest import CORPUS, annotate

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("ingested")


def patch(client, pk: int, body: dict, **headers):
    return client.patch(
        f"/api/annotations/{pk}", json.dumps(body), content_type="application/json", **headers
    )


@pytest.fixture
def annotation(users):
    return annotate(users.owner, "prawn cocktail", note="First thoughts", visibility="shared")


def test_every_response_carries_the_version_as_an_etag(client_for, users, annotation):
    client = client_for(users.owner)
    read = client.get(f"/api/annotations/{annotation.pk}")
    assert read["ETag"] == '"1"' and read.json()["version"] == 1
    changed = patch(client, annotation.pk, {"note": "Second thoughts"})
    assert changed["ETag"] == '"2"' and changed.json()["version"] == 2
    assert client.get(f"/api/annotations/{annotation.pk}")["ETag"] == '"2"'


def test_a_change_based_on_an_old_version_is_refused_with_412(client_for, users, annotation):
    client = client_for(users.owner)
    assert (
        patch(client, annotation.pk, {"note": "From tab B"}, HTTP_IF_MATCH='"1"').status_code == 200
    )
    stale = patch(client, annotation.pk, {"visibility": "private"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert "changed elsewhere" in stale.json()["detail"]
    annotation.refresh_from_db()
    assert (annotation.note, annotation.visibility, annotation.version) == (
        "From tab B",
        "shared",
        2,
    )
    # The current version, or "*", goes through.
    assert (
        patch(client, annotation.pk, {"visibility": "private"}, HTTP_IF_MATCH='"2"').status_code
        == 200
    )
    assert patch(client, annotation.pk, {"note": "Any"}, HTTP_IF_MATCH="*").status_code == 200


def test_a_delete_based_on_an_old_version_is_refused(client_for, users, annotation):
    client = client_for(users.owner)
    patch(client, annotation.pk, {"note": "Changed meanwhile"})
    stale = client.delete(f"/api/annotations/{annotation.pk}", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert Annotation.objects.filter(pk=annotation.pk).exists()
    fresh = client.delete(f"/api/annotations/{annotation.pk}", HTTP_IF_MATCH='"2"')
    assert fresh.status_code == 204


def test_if_match_does_not_reveal_what_the_caller_may_not_see(client_for, users):
    hidden = annotate(users.owner, "prawn cocktail", note="Private")
    response = patch(client_for(users.other), hidden.pk, {"note": "x"}, HTTP_IF_MATCH='"9"')
    assert response.status_code == 404


def test_a_patch_writes_only_the_fields_it_was_given(client_for, users, annotation):
    """The other tab's change, made after this request read the row, survives."""
    client = client_for(users.owner)
    # Another process changes the note behind this object's back...
    Annotation.objects.filter(pk=annotation.pk).update(note="Changed elsewhere")
    patch(client, annotation.pk, {"visibility": "private"})
    annotation.refresh_from_db()
    assert (annotation.note, annotation.visibility) == ("Changed elsewhere", "private")
    # ...and tags are their own change too.
    patch(client, annotation.pk, {"tags": ["City"]})
    annotation.refresh_from_db()
    assert (annotation.note, annotation.visibility) == ("Changed elsewhere", "private")
    assert [t.name for t in annotation.tags.all()] == ["City"]


def test_a_patch_of_one_offset_keeps_the_paragraphs_it_was_not_given(client_for, users):
    first = Paragraph.objects.get(text__contains="fundamental error to allow the prawn")
    last = Paragraph.objects.get(article_id=first.article_id, position=first.position + 2)
    client = client_for(users.owner)
    body = {"paragraph": first.pk, "start": 0, "end_paragraph": last.pk, "end": 20}
    created = client.post("/api/annotations", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    moved = patch(client, pk, {"end": 30})
    assert moved.status_code == 200, moved.content
    data = moved.json()
    assert (data["paragraph"], data["end_paragraph"], data["end"]) == (first.pk, last.pk, 30)
    assert data["quote"].endswith(last.text[:30])


# Two tabs at once, on a real server --------------------------------------------------

SETUP = """
import django, json
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from tests.conftest import annotate
owner = get_user_model().objects.create_user("owner", password="owner-pass-123")
annotation = annotate(owner, "prawn cocktail", note="base", visibility="shared")
doomed = [annotate(owner, "prawn cocktail", note=f"doomed {n}").pk for n in range(6)]
print(json.dumps({"token": Token.objects.create(user=owner).key, "id": annotation.pk,
                  "doomed": doomed}))
"""
ROUNDS = 6


def call(server, method: str, path: str, token: str, body: dict | None = None) -> dict:
    status, data = answer(server, method, path, token, body)
    assert status == 200
    return data


def answer(server, method: str, path: str, token: str, body: dict | None = None) -> tuple:
    request = urllib.request.Request(
        server + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


@pytest.fixture
def served(tmp_path):
    """The app under gunicorn (threads and processes, as `make serve` runs it) on SQLite."""
    env = {
        **os.environ,
        "COMMONPLACE_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "tests-only",
        "HTTPS": "0",
        "DJANGO_SETTINGS_MODULE": "commonplace.settings",
    }
    env.pop("DATABASE_URL", None)
    for args in (["manage.py", "migrate", "-v0"], ["manage.py", "ingest", str(CORPUS)]):
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True)
        assert done.returncode == 0, done.stderr
    made = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "commonplace.wsgi", "--workers", "2", "--threads",
         "4", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url, json.loads(made.stdout)
    finally:
        server.terminate()
        server.wait(10)


def test_two_changes_at_once_both_stay(served):
    """The owner makes an annotation private while another tab edits its note, at the
    same moment: both are acknowledged, so both must hold, every time."""
    server, made = served
    path, token = f"/api/annotations/{made['id']}", made["token"]
    for round_ in range(ROUNDS):
        call(server, "PATCH", path, token, {"note": "base", "visibility": "shared"})
        start = threading.Barrier(2)

        def change(body: dict, start=start) -> None:
            start.wait()
            call(server, "PATCH", path, token, body)

        tabs = [
            threading.Thread(target=change, args=({"visibility": "private"},)),
            threading.Thread(target=change, args=({"note": f"edit {round_}"},)),
        ]
        for tab in tabs:
            tab.start()
        for tab in tabs:
            tab.join(30)
        now = call(server, "GET", path, token)
        assert (now["visibility"], now["note"]) == ("private", f"edit {round_}"), round_


def test_a_change_racing_a_delete_is_answered_never_with_a_500(served):
    """An edit in one tab and a delete in another, at the same moment: the edit is either
    made (200) or finds the annotation gone (404); the delete succeeds."""
    server, made = served
    for pk in made["doomed"]:
        path, start, statuses = f"/api/annotations/{pk}", threading.Barrier(2), {}

        def send(method: str, body=None, path=path, start=start, statuses=statuses) -> None:
            start.wait()
            statuses[method] = answer(server, method, path, made["token"], body)[0]

        tabs = [
            threading.Thread(target=send, args=("PATCH", {"note": "last words"})),
            threading.Thread(target=send, args=("DELETE",)),
        ]
        for tab in tabs:
            tab.start()
        for tab in tabs:
            tab.join(30)
        assert statuses["DELETE"] == 204, statuses
        assert statuses["PATCH"] in (200, 404), statuses


def test_the_same_new_annotation_sent_at_once_is_made_once(served):
    """Four POSTs racing with one client key (a triple click, a retry): one annotation is
    made (201), the others are answered with it (200), on processes and threads at once."""
    server, made = served
    token = made["token"]
    before = answer(server, "GET", "/api/annotations?page_size=500", token)[1]["count"]
    annotation = answer(server, "GET", f"/api/annotations/{made['id']}", token)[1]
    body = {
        "paragraph": annotation["paragraph"],
        "start": annotation["start"],
        "end": annotation["end"],
        "note": "once",
        "client_key": "3f0c8a4e-3a1f-4c55-9a53-1d2f1b7c9e10",
    }
    start, answers = threading.Barrier(4), []

    def send() -> None:
        start.wait()
        answers.append(answer(server, "POST", "/api/annotations", token, body))

    clicks = [threading.Thread(target=send) for _ in range(4)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join(30)
    assert sorted(status for status, _ in answers) == [200, 200, 200, 201]
    assert len({data["id"] for _, data in answers}) == 1
    after = answer(server, "GET", "/api/annotations?page_size=500", token)[1]["count"]
    assert after == before + 1
