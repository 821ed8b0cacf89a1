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


def test_documents_are_found_by_id_as_whoosh_finds_them_across_edits_and_deletions(users):
    """Which document of a segment holds an id is kept per segment; whether it is deleted
    is asked of each searcher: an edited note's old document and a deleted note's are not
    found, the edited note's new one is, an id never indexed is not, and a searcher of an
    earlier generation still finds what was live in it."""
    from haystack.constants import ID

    from annotations.changes import annotations_changed
    from search.backends import ANNOTATION_CT
    from tests.conftest import annotate

    backend = indexing.backend()
    notes = [annotate(users.owner, "prawn cocktail", note=f"note {n}") for n in range(3)]
    indexing.flush()
    terms = [f"{ANNOTATION_CT}.{note.pk}" for note in notes] + [f"{ANNOTATION_CT}.0"]

    def as_whoosh_finds(searcher) -> dict:
        found = {term: searcher.document_number(**{ID: term}) for term in terms}
        return {term: docnum for term, docnum in found.items() if docnum is not None}

    older = backend.index.searcher()  # another thread's, opened before the next commit
    first = as_whoosh_finds(older)
    assert len(first) == 3

    edited, deleted, _ = notes
    edited.note = "edited"
    edited.save()
    annotations_changed([edited])
    annotations_changed([deleted])
    deleted.delete()
    indexing.flush()  # a new segment for the edit; deletions in the one that held both

    searcher = backend.searcher()
    again = backend.caches.document_numbers(searcher, ID, terms)
    assert again == as_whoosh_finds(searcher)
    assert set(again) == set(terms[:3]) - {terms[1]}
    assert again[terms[0]] != first[terms[0]]
    # The older searcher does not see those deletions: what the newer one learnt of the
    # segment they share must not hide from it the documents live in its generation.
    assert backend.caches.document_numbers(older, ID, terms) == as_whoosh_finds(older) == first
