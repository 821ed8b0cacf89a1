"""Nothing private leaks, on any surface, whatever the arrangement of readers, annotations,
visibilities, tags and notes: Hypothesis builds them, and for each viewer every page, API,
search (hits, notes, facets, "did you mean") and export is read.

Each note and each tag carries a marker word of its own, found nowhere else. For every
viewer, no marker of an annotation they may not see may appear in any body, and every
count must equal the count of what they may see. What they may see is decided here by an
oracle written from the README's rule, independently of annotations.permissions.

Bounded: PRIVACY_EXAMPLES examples (6 in the suite; `make fuzz` runs more).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
from dataclasses import dataclass

import docx
import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.changes import annotations_changed
from annotations.models import Annotation, Tag
from archive.models import Article, Paragraph
from search import indexing
from tests.conftest import annotate, page_body

EXAMPLES = int(os.environ.get("PRIVACY_EXAMPLES", "6"))
READERS = ("ada", "bea", "cy")  # cy is staff: staff see no more than anyone else
# Invented words: found in no article, distinct in every prefix a search could expand.
NOTE_MARKERS = ("zorblaxe", "quimbrel", "vexillod", "thwompet", "glaverin", "frindlex")
TAG_MARKERS = ("jospheric", "kwallomb", "plinthuge", "mreskadol")
PHRASES = (
    "prawn cocktail",
    "New Labour as such is dead",
    "Momentum",
    "Trots?",
    "fundamental error",
    "Blair",
)
EXPORTS = ("csv", "json", "jsonld", "md", "docx")


@dataclass(frozen=True)
class Planned:
    reader: int  # index into READERS
    phrase: str
    shared: bool
    tags: tuple[str, ...]
    note: str  # "" or a marker


annotations_planned = st.lists(
    st.builds(
        Planned,
        reader=st.integers(0, len(READERS) - 1),
        phrase=st.sampled_from(PHRASES),
        shared=st.booleans(),
        tags=st.lists(st.sampled_from(TAG_MARKERS), max_size=2, unique=True).map(tuple),
        note=st.just(""),
    ),
    min_size=1,
    max_size=len(NOTE_MARKERS),
).map(lambda plans: [_with_note(plan, NOTE_MARKERS[n]) for n, plan in enumerate(plans)])


def _with_note(plan: Planned, marker: str) -> Planned:
    return Planned(plan.reader, plan.phrase, plan.shared, plan.tags, f"A {marker} thought")


def may_see(viewer: str | None, owner: str, shared: bool, anonymous_reads_shared: bool) -> bool:
    """The README's rule, written again on purpose: the oracle must not share code with
    what it checks."""
    if viewer is None:
        return shared and anonymous_reads_shared
    return viewer == owner or shared


def misspelt(word: str) -> str:
    """The word with two neighbouring letters swapped (one edit), from the third on."""
    i = next(i for i in range(2, len(word) - 1) if word[i] != word[i + 1])
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


@pytest.fixture
def readers(db):
    User = get_user_model()
    return {
        name: User.objects.create_user(name, password=f"{name}-pass-123", is_staff=name == "cy")
        for name in READERS
    }


def bodies_for(client, paths: list[str]) -> dict[str, str]:
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        found[path] = _text(response)
    return found


def _text(response) -> str:
    streamed = getattr(response, "streaming_content", None)
    raw = b"".join(streamed) if streamed is not None else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        document = docx.Document(io.BytesIO(raw))
        return "\n".join(paragraph.text for paragraph in document.paragraphs)
    return raw.decode("utf-8-sig")


@pytest.mark.usefixtures("ingested")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=annotations_planned, anonymous_reads_shared=st.booleans())
def test_no_surface_shows_what_its_viewer_may_not_see(
    readers, client_for, plans, anonymous_reads_shared
):
    # Hypothesis seeds the global random generator alike for every example, and Whoosh
    # names new segments with it: two examples would name a segment alike.
    random.seed()
    # The last example's annotations go as every deletion does: told to the index.
    annotations_changed(Annotation.objects.prefetch_related("tags"), tags_moved=True)
    Annotation.objects.all().delete()
    Tag.objects.all().delete()
    made = []
    for plan in plans:
        owner = READERS[plan.reader]
        annotation = annotate(
            readers[owner],
            plan.phrase,
            note=plan.note,
            tags=list(plan.tags),
            visibility="shared" if plan.shared else "private",
        )
        made.append((plan, owner, annotation))
    indexing.flush()
    corpus = " ".join(Paragraph.objects.values_list("text", flat=True)).lower()
    assert not any(marker in corpus for marker in NOTE_MARKERS + TAG_MARKERS)

    with override_settings(COMMONPLACE_ANONYMOUS_READS_SHARED=anonymous_reads_shared):
        for viewer in (None, *READERS):
            client = client_for(readers[viewer] if viewer else None)
            seen = [
                (plan, annotation)
                for plan, owner, annotation in made
                if may_see(viewer, owner, plan.shared, anonymous_reads_shared)
            ]
            check_viewer(client, made, seen)


def check_viewer(client, made, seen) -> None:
    seen_ids = {annotation.pk for _, annotation in seen}
    visible_markers = {plan.note.split()[1] for plan, _ in seen}
    visible_tags = {tag for plan, _ in seen for tag in plan.tags}
    hidden = (set(NOTE_MARKERS) - visible_markers) | (set(TAG_MARKERS) - visible_tags)
    tag_slugs = sorted({tag.lower() for plan, _, _ in made for tag in plan.tags})

    paths = [f"/articles/{slug}/" for slug in Article.objects.values_list("slug", flat=True)]
    paths += ["/annotations/", "/tags/", "/api/annotations?page_size=500", "/api/tags"]
    paths += [f"/tags/{slug}/" for slug in tag_slugs]
    paths += [f"/annotations/?tag={slug}" for slug in sorted(visible_tags)]
    paths += [f"/api/annotations/{annotation.pk}" for _, _, annotation in made]
    paths += [f"/search/?q={misspelt(m)}" for m in NOTE_MARKERS + TAG_MARKERS]
    paths += [f"/api/search?q={misspelt(m)}+OR+Labuor" for m in NOTE_MARKERS + TAG_MARKERS]
    paths += [f"/api/search?q={m}" for m in NOTE_MARKERS + TAG_MARKERS]
    paths += [f"/api/search?q=&facet_limit=0&tag={slug}" for slug in tag_slugs]
    paths += ["/api/search?q=&facet_limit=0", "/search/?q=labour&facet_limit=0"]
    paths += [
        f"/annotations/export/?format={f}&group={g}" for f in EXPORTS for g in ("tag", "article")
    ]
    bodies = bodies_for(client, paths)
    for path, body in bodies.items():
        # A page may echo its own address (a "Log in" link returns to it); that a tag's
        # page says no more than a missing tag's is checked below.
        echoed = path if path.startswith("/tags/") else ""
        leaked = [marker for marker in hidden if marker in body.lower() and marker not in echoed]
        assert not leaked, (path, leaked)
    missing = page_body(client.get("/tags/nosuchtagword/")).replace("nosuchtagword", "SLUG")
    for slug in tag_slugs:
        if slug not in visible_tags:
            hidden_page = page_body(client.get(f"/tags/{slug}/")).replace(slug, "SLUG")
            assert hidden_page == missing, slug

    # Every count is the count of what the viewer may see.
    listed = json.loads(bodies["/api/annotations?page_size=500"])
    assert listed["count"] == len(seen_ids)
    assert {a["id"] for a in listed["results"]} == seen_ids
    tags = json.loads(bodies["/api/tags"])
    expected_tags = {tag: sum(tag in plan.tags for plan, _ in seen) for tag in visible_tags}
    assert {t["name"]: t["count"] for t in tags["results"]} == expected_tags
    assert f'<span class="count">{len(seen_ids)}</span>' in bodies["/annotations/"]
    for marker in NOTE_MARKERS:
        found = json.loads(bodies[f"/api/search?q={marker}"])["notes"]["count"]
        assert found == (marker in visible_markers), marker
    tagged = expected_tag_paragraphs(seen)
    assert tag_facet(json.loads(bodies["/api/search?q=&facet_limit=0"])) == tagged
    for slug in tag_slugs:
        filtered = json.loads(bodies[f"/api/search?q=&facet_limit=0&tag={slug}"])
        assert filtered["count"] == tagged.get(slug, 0), slug


def tag_facet(data: dict) -> dict[str, int]:
    return {b["value"]: b["count"] for b in data["facets"]["tag"] if b["value"] != "__none__"}


def expected_tag_paragraphs(seen) -> dict[str, int]:
    paragraphs: dict[str, set[int]] = {}
    for plan, annotation in seen:
        for tag in plan.tags:
            paragraphs.setdefault(tag.lower(), set()).add(annotation.start_paragraph_id)
    return {tag: len(ids) for tag, ids in paragraphs.items()}


def test_the_markers_are_words_a_search_can_find():
    # A marker the analyzers split or stem into something else would make the test blind.
    assert all(re.fullmatch(r"[a-z]{8,}", m) for m in NOTE_MARKERS + TAG_MARKERS)
    assert len({m[:4] for m in NOTE_MARKERS + TAG_MARKERS}) == len(NOTE_MARKERS + TAG_MARKERS)
