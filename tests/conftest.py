import copy
import io
import threading
from pathlib import Path

import haystack
import pytest
from django.core.management import call_command

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "new-statesman-labour.txt"
NEW_LABOUR = "the-rise-and-fall-of-new-labour"
MOMENTUM = "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"


@pytest.fixture(autouse=True)
def search_index(tmp_path_factory, settings):
    """Every test gets its own real Whoosh index in a temporary folder, never ./var."""
    path = tmp_path_factory.mktemp("search") / "whoosh"
    original = haystack.connections.connections_info
    info = copy.deepcopy(original)
    info["default"]["PATH"] = str(path)
    info["default"]["SILENTLY_FAIL"] = False
    # The handler and each engine read the setting separately: change both.
    settings.HAYSTACK_CONNECTIONS = info
    haystack.connections.connections_info = info
    haystack.connections.thread_local = threading.local()  # forget every thread's backend
    yield path
    assert haystack.connections["default"].get_backend().path == str(path)
    haystack.connections.connections_info = original
    haystack.connections.thread_local = threading.local()


@pytest.fixture
def corpus_text() -> str:
    return CORPUS.read_text(encoding="utf-8")


@pytest.fixture
def ingested(db):
    """The bundled corpus, ingested into the test database."""
    call_command("ingest", str(CORPUS), stdout=io.StringIO(), stderr=io.StringIO())


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


def article_text(title: str, paragraphs: list[str], footer: str | None = None) -> str:
    """A small article in the corpus format, for hand-written cases."""
    lines = [title, "A standfirst.", *paragraphs]
    if footer:
        lines.append(footer)
    return "\n\n".join(lines) + "\n"
