"""What the Whoosh backend reads from a segment's files is kept for as long as the index
holds that segment, across the commits that leave it as it was: Whoosh reopens every
segment after a commit, and lists kept per reader were read again after each one."""

import pytest

from search import indexing
from tests.search.conftest import api

pytestmark = pytest.mark.usefixtures("ingested")


def first_segment_reader(searcher):
    (reader, _), *_ = searcher.reader().leaf_readers()
    return reader


def test_a_segments_lists_outlive_commits_and_go_with_the_segment(client):
    backend = indexing.backend()
    builds = []

    def build():
        builds.append(1)
        return object()

    reader = first_segment_reader(backend.searcher())
    kept = backend.caches.segment_data(reader, ("probe",), build)

    backend.index.writer().commit(merge=False)  # a new generation; every segment as it was
    reopened = first_segment_reader(backend.searcher())
    assert reopened is not reader  # Whoosh opened the segment again
    assert reopened.segment().segment_id() == reader.segment().segment_id()
    assert backend.caches.segment_data(reopened, ("probe",), build) is kept
    assert len(builds) == 1
    assert api(client, q="labour", facet="tag")["count"] > 0  # searches read through them

    backend.index.writer().commit(optimize=True)  # merged into a new segment
    merged = first_segment_reader(backend.searcher())
    assert merged.segment().segment_id() != reader.segment().segment_id()
    backend.caches.segment_data(reader, ("probe",), build)
    assert len(builds) == 2  # what was kept of the merged-away segment was forgotten
