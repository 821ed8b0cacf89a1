"""The Elasticsearch backend's requests, checked without a server: what it sends for a
search is the compiled tree (search.backends.es_dsl), scoped to paragraphs and to the
notes the viewer may see; never the text typed. Needs the elasticsearch client (the
`elasticsearch` extra); the answers come from a connection that records requests."""

import json

import pytest

from annotations.permissions import Viewer
from search import syntax
from search.backends import es_dsl
from search.spec import SearchSpec

pytest.importorskip("elasticsearch", reason="install the elasticsearch extra")


class RecordingConnection:
    """Answers every search with one paragraph, and says "momentum" to every word."""

    def __init__(self):
        self.requests = []

    def search(self, index, body):
        self.requests.append(body)
        if "suggest" in body:
            return {
                "suggest": {key: [{"options": [{"text": "momentum"}]}] for key in body["suggest"]}
            }
        source = {
            "django_id": "7",
            "text": "Momentum",
            "article": "an-article",
            "article_title": "An article",
            "section_number": None,
            "position": 3,
        }
        hit = {"_source": source, "_score": 1.5, "highlight": {"text": ["<mark>Momentum</mark>"]}}
        return {"hits": {"total": {"value": 1}, "hits": [hit]}}

    def count(self, index, body):
        self.requests.append(body)
        return {"count": 2}


@pytest.fixture
def backend():
    from search.backends.elasticsearch import CommonplaceElasticsearchBackend

    found = CommonplaceElasticsearchBackend("default", URL="http://127.0.0.1:1", INDEX_NAME="x")
    found.setup_complete = True
    found.conn = RecordingConnection()
    return found


def test_a_search_sends_the_compiled_tree_and_never_the_text(backend):
    parsed = syntax.parse("Momentm govern* -Brown")
    viewer = Viewer(user_id=7, audiences=frozenset({"shared", "user:7"}))
    answer = backend.answer(SearchSpec(query=parsed, viewer=viewer, notes=5))
    paragraphs, suggest, recount, notes = backend.conn.requests
    assert "query_string" not in json.dumps(backend.conn.requests)
    assert paragraphs["query"]["bool"]["must"] == [es_dsl.to_dsl(parsed.tree)]
    assert {"term": {"django_ct": "archive.paragraph"}} in paragraphs["query"]["bool"]["filter"]
    assert [entry["text"] for entry in suggest["suggest"].values()] == ["Momentm"]
    corrected = syntax.parse("momentum govern* -Brown").tree
    assert recount["query"]["bool"]["must"] == [es_dsl.to_dsl(corrected)]
    noted = syntax.on_note_fields(parsed.tree, viewer.audiences)
    assert notes["query"]["bool"]["must"] == [es_dsl.to_dsl(noted)]
    assert {"terms": {"audience": ["shared", "user:7"]}} in notes["query"]["bool"]["filter"]
    assert answer.count == 1 and answer.hits[0].paragraph_id == 7
    assert answer.suggestion == "momentum govern* -Brown"
    assert answer.notes == (7,) and answer.notes_count == 1


def test_a_viewer_with_no_audience_is_sent_no_notes_search(backend):
    backend.answer(SearchSpec(query=syntax.parse("Momentum"), viewer=Viewer(), notes=5))
    assert all(
        {"term": {"django_ct": "annotations.annotation"}} not in body["query"]["bool"]["filter"]
        for body in backend.conn.requests
        if "query" in body
    )
