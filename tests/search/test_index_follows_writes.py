"""Every place that changes what the index holds says so, in the change's transaction.

There are no signals to catch a write that forgot: each write path is listed here, and
each must leave outbox rows naming what it changed (applied later by search.indexing).
"""

import io
import json

import pytest
from django.core.management import call_command

from annotations.models import Annotation, Tag
from archive.models import Article
from search.models import PendingIndexUpdate
from tests.conftest import CORPUS, annotate

pytestmark = pytest.mark.usefixtures("ingested")
Kind = PendingIndexUpdate.Kind


def recorded(kind: str) -> set[int]:
    return set(PendingIndexUpdate.objects.filter(kind=kind).values_list("object_id", flat=True))


@pytest.fixture
def tagged(users):
    annotation = annotate(users.owner, "prawn cocktail", note="Noted", tags=["City"])
    PendingIndexUpdate.objects.all().delete()  # as if the index had taken it in
    return annotation


@pytest.fixture
def operator(client_for, users):
    users.staff.is_superuser = True
    users.staff.save()
    return client_for(users.staff)


def api_patch(client, pk, body):
    return client.patch(f"/api/annotations/{pk}", json.dumps(body), content_type="application/json")


WRITES = {
    "api create": lambda c, o, a: c.post(
        "/api/annotations",
        json.dumps({"paragraph": a.start_paragraph_id, "start": 0, "end": 5, "tags": ["x"]}),
        content_type="application/json",
    ),
    "api note": lambda c, o, a: api_patch(c, a.pk, {"note": "Changed"}),
    "api private": lambda c, o, a: api_patch(c, a.pk, {"visibility": "shared"}),
    "api untag": lambda c, o, a: api_patch(c, a.pk, {"tags": []}),
    "api delete": lambda c, o, a: c.delete(f"/api/annotations/{a.pk}"),
    "page edit": lambda c, o, a: c.post(
        f"/annotations/{a.pk}/edit/",
        {"note": "Noted", "tags": "City", "visibility": "shared", "version": a.version},
    ),
    "page delete": lambda c, o, a: c.post(f"/annotations/{a.pk}/delete/", {"version": a.version}),
    "tag rename": lambda c, o, a: c.post("/annotations/tags/rename/", {"tag": "city", "name": "Q"}),
    "admin delete": lambda c, o, a: o.post(
        f"/admin/annotations/annotation/{a.pk}/delete/", {"post": "yes"}
    ),
    "admin tag rename": lambda c, o, a: o.post(
        f"/admin/annotations/tag/{a.tags.get().pk}/change/",
        {
            "name": "Town",
            "slug": "city",
            "descriptions-TOTAL_FORMS": 0,
            "descriptions-INITIAL_FORMS": 0,
        },
    ),
    "admin tag delete": lambda c, o, a: o.post(
        f"/admin/annotations/tag/{a.tags.get().pk}/delete/", {"post": "yes"}
    ),
    "user deleted": lambda c, o, a: o.post(
        f"/admin/auth/user/{a.owner_id}/delete/", {"post": "yes"}
    ),
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_each_write_of_an_annotation_is_recorded_for_the_index(
    write, tagged, users, client_for, operator
):
    paragraph = tagged.start_paragraph_id
    response = WRITES[write](client_for(users.owner), operator, tagged)
    assert response.status_code in (200, 201, 204, 302), response.content[:300]
    touched = recorded(Kind.ANNOTATION)
    assert touched, write
    if write == "api create":
        touched -= {tagged.pk}
    else:
        assert tagged.pk in touched
    # A tagged annotation's paragraphs change too (their tag tokens); a note's text alone
    # leaves them be.
    assert (paragraph in recorded(Kind.PARAGRAPH)) is (write != "api note")


def test_an_import_is_recorded_for_the_index(users, tmp_path, tagged):
    exported = tmp_path / "backup.json"
    call_command(
        "export_annotations", "--format", "json", "-o", str(exported), stderr=io.StringIO()
    )
    Annotation.objects.all().delete()
    Tag.objects.all().delete()
    call_command("import_annotations", str(exported), "--keep-annotators", stdout=io.StringIO())
    (imported,) = Annotation.objects.all()
    assert imported.pk in recorded(Kind.ANNOTATION)
    assert imported.start_paragraph_id in recorded(Kind.PARAGRAPH)


def test_an_import_of_references_is_recorded_for_the_index(write_file):
    path = write_file(
        "refs.bib",
        "@article{k, title={The rise and fall of New Labour},"
        " author={Giddens, Anthony and Hutton, Will}}\n",
    )
    call_command("import_references", str(path), stdout=io.StringIO())
    assert recorded(Kind.ARTICLE) == {Article.objects.get(author__contains="Hutton").pk}


def test_an_ingest_records_what_it_changed_and_applies_it(users, write_file, corpus_text):
    annotation = annotate(users.owner, "prawn cocktail offensive to evolve", tags=["City"])
    path = write_file(CORPUS.name, corpus_text.replace("It was right", "It was, some say, right"))
    call_command("ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    # Applied at the end of the ingest: the article, and the annotation that moved.
    assert not PendingIndexUpdate.objects.exists()
    annotation.refresh_from_db()
    assert annotation.start_paragraph.text[annotation.start_offset :].startswith("prawn")
