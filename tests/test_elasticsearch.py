"""The search suite again, on a real Elasticsearch 7 when ELASTICSEARCH_URL is set.

Reported as skipped otherwise: `ELASTICSEARCH_URL=http://127.0.0.1:9200 make test` with
the elasticsearch extra installed runs it.
"""

import os
import threading
import uuid

import haystack
import pytest

from tests.test_annotation_search import (  # noqa: F401  (collected again here)
    test_notes_and_tags_are_searchable,
    test_the_index_follows_annotations_after_commit,
)
from tests.test_search import (  # noqa: F401  (collected again here)
    test_did_you_mean,
    test_each_filter,
    test_edits_and_deletes_in_the_admin_reach_the_index_after_commit,
    test_exact_phrase_finds_exactly_the_two_paragraphs_that_hold_it,
    test_facets_add_up_to_the_count,
    test_hostile_queries_never_fail,
    test_index_follows_reingest,
    test_markup_in_text_stays_escaped,
    test_or_not_and_minus,
    test_paging,
    test_phrases_of_several_words,
    test_prefix_and_fuzzy_search_the_unstemmed_text,
    test_sort_by_document_order,
    test_stemming_finds_other_forms,
)

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL")

pytestmark = [
    pytest.mark.skipif(
        not ELASTICSEARCH_URL,
        reason="set ELASTICSEARCH_URL to run the search suite on Elasticsearch",
    ),
    pytest.mark.usefixtures("ingested"),
]


@pytest.fixture(autouse=True)
def search_index(settings):
    """Each test gets its own Elasticsearch index, instead of conftest's Whoosh folder."""
    name = f"commonplace-test-{uuid.uuid4().hex[:10]}"
    info = {
        "default": {
            "ENGINE": "search.elasticsearch.CommonplaceElasticsearchEngine",
            "URL": ELASTICSEARCH_URL,
            "INDEX_NAME": name,
        }
    }
    original = haystack.connections.connections_info
    settings.HAYSTACK_CONNECTIONS = info
    haystack.connections.connections_info = info
    haystack.connections.thread_local = threading.local()
    yield name
    haystack.connections["default"].get_backend().conn.indices.delete(index=name, ignore=404)
    haystack.connections.connections_info = original
    haystack.connections.thread_local = threading.local()
