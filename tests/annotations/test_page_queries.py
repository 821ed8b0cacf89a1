"""The pages and API answers that list annotations or tags ask the database a fixed number
of questions, whatever the number of annotations, tags and annotators behind them: the
same count with 3 annotations as with 60, for their owner, another reader and a visitor.
A loop that asks once per row (an N+1) would show here before it showed at 100,000 rows
(bench/pages.py times them there)."""

import pytest

from annotations.anchoring import Passage, Position
from annotations.changes import annotations_changed
from annotations.models import Annotation, article_text
from annotations.tagging import set_tags
from archive.models import Paragraph

FEW, MANY = 3, 60
TAGS = ["Labour", "City", "Finance", "Bus", "humour"]

# The most queries each page may ask, with few annotations or many, of its owner, another
# reader, a visitor, and a visitor on a server that lets visitors read what is shared
# (None: the page is not theirs to see). Measured, then pinned. A signed-in viewer's
# first two are the session and its user. A list of annotations finds its page's ids,
# then reads those rows whole (AnnotationQuerySet.ids_in_document_order).
VIEWERS = ("owner", "other", "visitor", "reads_shared")
PAGES = {
    "/annotations/": (10, 10, 2, 7),
    "/annotations/?tag=labour": (11, 11, 3, 8),
    "/annotations/?q=labour": (10, 10, 2, 7),
    "/annotations/?orphaned=1": (10, 10, 2, 7),
    "/annotations/?page=2": (10, 10, 2, 7),
    "/tags/": (5, 5, 0, 2),
    "/tags/labour/": (9, 9, None, 6),
    "/api/annotations": (6, 6, 0, 4),
    "/api/annotations?tag=labour&q=labour": (7, 7, 1, 5),
    "/api/tags": (4, 4, 0, 2),
}


def _annotate(users, start: int, stop: int) -> None:
    """Annotations start..stop-1 over the corpus's paragraphs: the owner's and the other
    reader's in turn, two in three shared, each with two or three tags, notes that
    mention Labour, and now and then one orphaned."""
    paragraphs = list(Paragraph.objects.order_by("article_id", "position"))
    texts = {}
    for i in range(start, stop):
        paragraph = paragraphs[(i * 7) % len(paragraphs)]
        text = texts.setdefault(paragraph.article_id, article_text(paragraph.article_id))
        annotation = Annotation(
            owner=users.owner if i % 2 == 0 else users.other,
            article_id=paragraph.article_id,
            visibility="shared" if i % 3 else "private",
            note=f"Note {i} on Labour" if i % 4 else "",
        )
        annotation.place(Passage(Position(paragraph.pk, 0), Position(paragraph.pk, 12)), text)
        if i % 5 == 2:
            annotation.orphan()
        annotation.save()
        tags = [TAGS[i % len(TAGS)], TAGS[(i + 1) % len(TAGS)], *(["Labour"] if i % 2 else [])]
        set_tags(annotation, dict.fromkeys(tags))
        annotations_changed([annotation], tags_changed=True)


@pytest.mark.parametrize("url", PAGES)
def test_queries_do_not_grow_with_the_annotations(
    url, users, client_for, settings, ingested, django_assert_max_num_queries
):
    bounds = {
        name: bound for name, bound in zip(VIEWERS, PAGES[url], strict=True) if bound is not None
    }

    def measure() -> dict[str, int]:
        counted = {}
        for name, bound in bounds.items():
            settings.COMMONPLACE_ANONYMOUS_READS_SHARED = name == "reads_shared"
            client = client_for(getattr(users, name, None))
            with django_assert_max_num_queries(bound) as captured:
                assert client.get(url).status_code == 200
            counted[name] = len(captured)
        return counted

    _annotate(users, 0, FEW)
    few = measure()
    _annotate(users, FEW, MANY)
    assert measure() == few


# A save and the read of what it saved, through the API with the session: measured, then
# pinned (the session and its user first, then the transaction's own statements).
SAVES = {"create": 13, "read": 4, "edit": 12, "delete": 10}


def test_a_save_asks_a_fixed_number_of_queries(
    users, client_for, ingested, django_assert_max_num_queries
):
    client = client_for(users.owner)
    paragraph = Paragraph.objects.order_by("pk")[3]
    body = {"paragraph": paragraph.pk, "start": 0, "end": 12, "note": "n", "tags": ["Labour"]}
    client.post("/api/annotations", body, content_type="application/json")  # the tag exists
    with django_assert_max_num_queries(SAVES["create"]):
        made = client.post("/api/annotations", body, content_type="application/json")
    assert made.status_code == 201
    url = f"/api/annotations/{made.json()['id']}"
    with django_assert_max_num_queries(SAVES["read"]):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(SAVES["edit"]):
        edited = client.patch(url, {"note": "m"}, content_type="application/json")
    assert edited.status_code == 200
    with django_assert_max_num_queries(SAVES["delete"]):
        assert client.delete(url).status_code == 204
