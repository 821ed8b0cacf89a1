import copy
import io
import os
import re
import shutil
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import haystack
import pytest
from django.core.management import call_command
from django.test import override_settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "new-statesman-labour.txt"
NEW_LABOUR = "the-rise-and-fall-of-new-labour"
MOMENTUM = "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing(django_test_environment):
    """Hashing a password properly takes a third of a second: too slow for every user of
    every test. Production keeps Django's defaults."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@contextmanager
def index_at(path: Path):
    """Point haystack's default connection at a Whoosh index in this folder meanwhile."""
    original = haystack.connections.connections_info
    info = copy.deepcopy(original)
    info["default"]["PATH"] = str(path)
    info["default"]["SILENTLY_FAIL"] = False
    # The handler and each engine read the setting separately: change both.
    haystack.connections.connections_info = info
    haystack.connections.thread_local = threading.local()  # forget every thread's backend
    try:
        with override_settings(HAYSTACK_CONNECTIONS=info):
            yield info
    finally:
        haystack.connections.connections_info = original
        haystack.connections.thread_local = threading.local()


@pytest.fixture(autouse=True)
def search_index(tmp_path_factory):
    """Every test gets its own real Whoosh index in a temporary folder, never ./var."""
    path = tmp_path_factory.mktemp("search") / "whoosh"
    with index_at(path):
        yield path
        assert haystack.connections["default"].get_backend().path == str(path)


@pytest.fixture
def corpus_text() -> str:
    return CORPUS.read_text(encoding="utf-8")


CORPUS_MODELS = ("archive.Article", "archive.Section", "archive.Paragraph")


@pytest.fixture(scope="session")
def corpus_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """The bundled corpus ingested once, by the real command: its rows and its index.

    Indexing the corpus costs two seconds, and most tests start from it; each test
    then restores these rows (with their ids) and a copy of this index instead.
    """
    from django.apps import apps
    from django.core import serializers

    from search.models import PendingIndexUpdate

    folder = tmp_path_factory.mktemp("corpus-index")
    snapshot = folder / "snapshot"
    with django_db_blocker.unblock(), index_at(folder / "whoosh"):
        call_command("ingest", str(CORPUS), stdout=io.StringIO(), stderr=io.StringIO())
        assert not PendingIndexUpdate.objects.exists()
        # Copied before the rows go: deleting them empties the index too.
        shutil.copytree(folder / "whoosh", snapshot)
        models = [apps.get_model(name) for name in CORPUS_MODELS]
        rows = serializers.serialize("python", [o for m in models for o in m.objects.all()])
        for model in reversed(models):
            model.objects.all().delete()
        PendingIndexUpdate.objects.all().delete()
    return rows, snapshot


@pytest.fixture
def ingested(db, corpus_snapshot, search_index):
    """The bundled corpus, ingested into the test database and indexed."""
    from django.apps import apps
    from django.core import serializers
    from django.core.management.color import no_style
    from django.db import connection

    rows, index = corpus_snapshot
    objects = [found.object for found in serializers.deserialize("python", rows)]
    for name in CORPUS_MODELS:
        model = apps.get_model(name)
        # bulk_create sends no signals: the copied index already holds these rows.
        model.objects.bulk_create([o for o in objects if isinstance(o, model)])
    models = [apps.get_model(name) for name in CORPUS_MODELS]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    shutil.copytree(index, search_index, dirs_exist_ok=True)


ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL")


@contextmanager
def elasticsearch_index(url: str):
    """Point haystack's default connection at an Elasticsearch index of its own meanwhile,
    and delete the index afterwards."""
    info = {
        "default": {
            "ENGINE": "search.backends.elasticsearch.CommonplaceElasticsearchEngine",
            "URL": url,
            "INDEX_NAME": f"commonplace-test-{uuid.uuid4().hex[:10]}",
        }
    }
    original = haystack.connections.connections_info
    haystack.connections.connections_info = info
    haystack.connections.thread_local = threading.local()
    try:
        with override_settings(HAYSTACK_CONNECTIONS=info):
            yield info
            backend = haystack.connections["default"].get_backend()
            backend.conn.indices.delete(index=backend.index_name, ignore=404)
    finally:
        haystack.connections.connections_info = original
        haystack.connections.thread_local = threading.local()


@pytest.fixture(params=["whoosh", "elasticsearch"])
def each_backend(request, ingested):
    """The bundled corpus, searched on each backend in turn: on the Whoosh index that
    `ingested` made, then on a real Elasticsearch 7 (an index of its own, filled from the
    database) when ELASTICSEARCH_URL is set, skipped otherwise:
    `ELASTICSEARCH_URL=http://127.0.0.1:9200 make test` with the elasticsearch extra."""
    if request.param == "whoosh":
        yield request.param
        return
    if not ELASTICSEARCH_URL:
        pytest.skip("set ELASTICSEARCH_URL to run the search suite on Elasticsearch")
    from search import indexing

    with elasticsearch_index(ELASTICSEARCH_URL):
        indexing.rebuild()
        yield request.param


# Runs a test once per backend (see each_backend).
on_each_backend = pytest.mark.usefixtures("each_backend")


@pytest.fixture
def write_file(tmp_path):
    """Write text (str, UTF-8) or raw bytes to a file under tmp_path and return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write


_CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_body(response) -> str:
    """A page's HTML without its CSRF token, which Django masks afresh in every response:
    two answers are the same page when these are equal."""
    return _CSRF_TOKEN.sub('name="csrfmiddlewaretoken"', response.content.decode())


def article_text(title: str, paragraphs: list[str], footer: str | None = None) -> str:
    """A small article in the corpus format, for hand-written cases."""
    lines = [title, "A standfirst.", *paragraphs]
    if footer:
        lines.append(footer)
    return "\n\n".join(lines) + "\n"


# Annotators -------------------------------------------------------------------------------


@pytest.fixture
def users(db):
    """An owner, another signed-in user and a staff member (the healthchecks pattern)."""
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model

    User = get_user_model()
    return SimpleNamespace(
        owner=User.objects.create_user("owner", password="owner-pass-123"),
        other=User.objects.create_user("other", password="other-pass-123"),
        staff=User.objects.create_user("staff", password="staff-pass-123", is_staff=True),
    )


@pytest.fixture
def client_for():
    """A test client signed in as the given user (or anonymous for None)."""
    from django.test import Client

    def make(user=None, **options):
        client = Client(**options)
        if user is not None:
            client.force_login(user)
        return client

    return make


def annotate(user, phrase: str, *, note: str = "", tags=(), visibility: str = "private"):
    """An annotation on the first paragraph holding the phrase, made as the API makes it."""
    from annotations.anchoring import Passage, Position
    from annotations.changes import annotations_changed
    from annotations.models import Annotation, article_text
    from annotations.tagging import set_tags
    from archive.models import Paragraph

    paragraph = Paragraph.objects.filter(text__contains=phrase).order_by("pk").first()
    start = paragraph.text.index(phrase)
    passage = Passage(Position(paragraph.pk, start), Position(paragraph.pk, start + len(phrase)))
    annotation = Annotation(
        owner=user, article_id=paragraph.article_id, note=note, visibility=visibility
    )
    annotation.place(passage, article_text(paragraph.article_id))
    annotation.save()
    set_tags(annotation, tags)
    annotations_changed([annotation], tags_changed=bool(tags))
    return annotation


@pytest.fixture
def index_held_elsewhere():
    """The index write lock, held by another thread as another process (a long ingest)
    would hold it; the fixture's value releases it early."""
    from search import indexing

    release, held = threading.Event(), threading.Event()

    def hold():
        with indexing.backend().write_lock():
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    yield release
    release.set()
    holder.join(10)
