"""The index follows what is written: re-ingest, the admin, a failed flush, the commands,
and the order of articles; observed through /api/search on the real index."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from whoosh import index as whoosh_index

from archive.changes import articles_changed
from archive.models import Article, Paragraph
from search import indexing, outbox
from tests.conftest import CORPUS, MOMENTUM, article_text, on_each_backend
from tests.search.conftest import api, paragraphs_matching

pytestmark = pytest.mark.usefixtures("ingested")


@on_each_backend
def test_index_follows_reingest(client, write_file, corpus_text):
    path = write_file(CORPUS.name, corpus_text)  # the same source as the ingested corpus
    assert api(client, q="marmalade")["count"] == 0
    changed = corpus_text.replace(
        "prawn cocktail offensive to evolve", "marmalade offensive to evolve"
    )
    path.write_text(changed, encoding="utf-8")
    call_command("ingest", str(path), stdout=io.StringIO())
    assert api(client, q="marmalade")["count"] == 1
    assert api(client, q='"prawn cocktail"')["count"] == 1
    assert api(client, q="labour")["count"] == len(paragraphs_matching(r"\blabour\b"))
    assert api(client, q="")["count"] == Paragraph.objects.count() == 78


@pytest.fixture
def operator(client_for, users):
    """The server's operator in the admin (a superuser)."""
    users.staff.is_superuser = True
    users.staff.save()
    return client_for(users.staff)


@on_each_backend
def test_edits_and_deletes_in_the_admin_reach_the_index_after_commit(
    client, operator, django_capture_on_commit_callbacks
):
    paragraph = Paragraph.objects.get(text__contains='prawn cocktail offensive" that')
    form = {
        "article": paragraph.article_id,
        "section": paragraph.section_id,
        "position": paragraph.position,
        "text": "A paragraph now about marmalade.",
        "kind": paragraph.kind,
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = operator.post(f"/admin/archive/paragraph/{paragraph.pk}/change/", form)
    assert response.status_code == 302, response.content
    assert callbacks, "the index update waits for the commit"
    assert api(client, q="marmalade")["count"] == 1
    momentum = Article.objects.get(slug=MOMENTUM)
    with django_capture_on_commit_callbacks(execute=True):
        operator.post(f"/admin/archive/article/{momentum.pk}/delete/", {"post": "yes"})
    assert not Article.objects.filter(slug=MOMENTUM).exists()
    assert api(client, q="Corbyn")["count"] == 0
    assert api(client, q="")["count"] == Paragraph.objects.count() == 25
    assert outbox.pending_count() == 0


def test_a_failed_flush_keeps_its_updates_pending(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    backend = indexing.backend()

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(backend), "write", refuse)
    paragraph = Paragraph.objects.get(text__contains='prawn cocktail offensive" that')
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        paragraph.text = "A paragraph now about marmalade."
        paragraph.save()
        articles_changed([paragraph.article_id])  # the failing flush is logged, not raised
    assert outbox.pending_count() == 1
    monkeypatch.undo()
    assert indexing.flush() == 1
    assert api(client, q="marmalade")["count"] == 1


def test_rebuild_and_update_index_commands(client):
    out = io.StringIO()
    call_command("clear_index", interactive=False, stdout=io.StringIO())
    assert api(client, q="")["count"] == 0
    call_command("rebuild_index", "--noinput", stdout=out)
    assert "Indexed 78 paragraphs and 0 annotations." in out.getvalue()
    assert api(client, q="")["count"] == 78
    out = io.StringIO()
    call_command("update_index", stdout=out)  # applies what is pending: nothing here
    assert "Applied 0 of 0 pending index updates." in out.getvalue()
    assert api(client, q="")["count"] == 78


def test_a_rebuild_in_parallel_answers_as_one_writer_does(client, users, search_index):
    """Two processes write a segment each: every search finds the same paragraphs with the
    same scores, counts and facets as from one writer's single segment."""
    from tests.conftest import annotate

    annotate(users.owner, "prawn cocktail", note="a shared quillwort", tags=["Hush"],
             visibility="shared")  # fmt: skip
    backend = indexing.backend()
    queries = ["labour", '"prawn cocktail"', "govern*", "goverment~", "quillwort", "corbyn -labour"]

    def answers() -> list:
        """Each query's count, facets, notes and every hit with its score, on all pages
        (which of two equal scores comes first follows the documents' order on disk)."""
        found = []
        for q in queries:
            first = api(client, q=q)
            hits = set()
            for page in range(1, first["count"] // 20 + 2):
                hits |= {(h["paragraph_id"], round(h["score"], 6))
                         for h in api(client, q=q, page=page)["results"]}  # fmt: skip
            found.append((first["count"], sorted(hits), first["facets"], first["notes"]["count"]))
        return found

    backend.writer_procs = 1
    indexing.rebuild()
    single = answers()
    segments = len(whoosh_index.open_dir(str(search_index)).reader().leaf_readers())
    backend.writer_procs, backend.parallel_batch = 2, 10
    try:
        indexing.rebuild()
        assert len(whoosh_index.open_dir(str(search_index)).reader().leaf_readers()) == 2
        assert answers() == single
    finally:
        del backend.parallel_batch
        backend.writer_procs = 1
    assert segments == 1


def test_ingest_indexes_in_one_commit(search_index, tmp_path, corpus_text):
    # Each commit is a new generation of the index on disk: one ingest, one commit.
    before = whoosh_index.open_dir(str(search_index)).latest_generation()
    for number in range(3):
        (tmp_path / f"{number}.txt").write_text(
            corpus_text.replace("The rise and fall", f"Copy {number}: the rise and fall"),
            encoding="utf-8",
        )
    call_command("ingest", str(tmp_path), stdout=io.StringIO())
    assert whoosh_index.open_dir(str(search_index)).latest_generation() == before + 1
    assert Paragraph.objects.count() == 78 + 3 * 78


def test_document_order_follows_articles_moved_within_their_file(client, write_file):
    """Two articles of one issue swap places in their file: their text is unchanged, but
    document order is theirs in the file, and the index must hear of it."""
    footer = "This article first appeared in the 3 March 2011 issue of the New Statesman, Swaps"
    alpha = article_text("Alpha piece", ["Marmoset alpha words."], footer)
    beta = article_text("Beta piece", ["Marmoset beta words."], footer)

    def titles_in_document_order(texts: list[str]) -> list[str]:
        path = write_file("swaps.txt", "".join(texts))
        call_command("ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        hits = api(client, q="marmoset", sort="document")["results"]
        return [hit["article"]["title"] for hit in hits]

    assert titles_in_document_order([alpha, beta]) == ["Alpha piece", "Beta piece"]
    assert titles_in_document_order([beta, alpha]) == ["Beta piece", "Alpha piece"]
