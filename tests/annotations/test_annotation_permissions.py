"""Who sees and changes an annotation, everywhere it shows: the authorisation matrix.

A private annotation is its owner's alone; a shared one is for every signed-in user (and
for anonymous visitors only when ANONYMOUS_READS_SHARED is on); only the owner, or staff,
edit or delete what they can see.
"""

import json

import pytest

from annotations.models import Annotation
from search import indexing
from tests.conftest import NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")

NOTE_WORD = "zeitgeistly"  # in the note only, so a search hit can only come from the note
TAG = "secretive"

# actor -> visibility -> (sees it, may change it)
MATRIX = {
    "owner": {"private": (True, True), "shared": (True, True)},
    "other": {"private": (False, False), "shared": (True, False)},
    "staff": {"private": (False, False), "shared": (True, True)},
    "anonymous": {"private": (False, False), "shared": (False, False)},
}
CASES = [(actor, visibility) for actor in MATRIX for visibility in ("private", "shared")]


@pytest.fixture
def setup(users, client_for, request):
    actor, visibility = request.param
    annotation = annotate(
        users.owner,
        "prawn cocktail offensive",
        note=f"A {NOTE_WORD} remark.",
        tags=[TAG],
        visibility=visibility,
    )
    indexing.flush()
    user = None if actor == "anonymous" else getattr(users, actor)
    sees, changes = MATRIX[actor][visibility]
    return client_for(user), annotation, sees, changes


def with_cases(test):
    return pytest.mark.parametrize(
        "setup", CASES, indirect=True, ids=[f"{a}-{v}" for a, v in CASES]
    )(test)


@with_cases
def test_read(setup):
    client, annotation, sees, _ = setup
    response = client.get(f"/api/annotations/{annotation.pk}")
    assert response.status_code == (200 if sees else 404)


@with_cases
def test_list(setup):
    client, annotation, sees, _ = setup
    ids = [a["id"] for a in client.get("/api/annotations").json()["results"]]
    assert (annotation.pk in ids) is sees
    page = client.get("/annotations/").content.decode()
    assert ("A zeitgeistly remark." in page) is sees


@with_cases
def test_reader_page(setup):
    client, annotation, sees, _ = setup
    html = client.get(f"/articles/{NEW_LABOUR}/").content.decode()
    context = json.loads(
        html.split('<script id="reader-context" type="application/json">')[1].split("</script>")[0]
    )
    assert (annotation.pk in [a["id"] for a in context["annotations"]]) is sees
    assert (TAG in context["tags"]) is sees


@with_cases
def test_search_hit(setup):
    client, annotation, sees, _ = setup
    notes = client.get("/api/search", {"q": NOTE_WORD}).json()["notes"]
    assert ([n["id"] for n in notes["results"]] == [annotation.pk]) is sees
    assert notes["count"] == (1 if sees else 0)
    page = client.get("/search/", {"q": NOTE_WORD}).content.decode()
    assert ('id="notes-heading"' in page) is sees
    assert ("A <mark>zeitgeistly</mark> remark." in page) is sees


@with_cases
def test_tag_facet_and_filter(setup):
    client, _, sees, _ = setup
    data = client.get("/api/search", {"q": "prawn"}).json()
    tags = {bucket["value"]: bucket["count"] for bucket in data["facets"]["tag"]}
    assert (tags.get(TAG) == 1) is sees
    assert sum(tags.values()) == data["count"]
    filtered = client.get("/api/search", {"q": "prawn", "tag": TAG}).json()
    assert filtered["count"] == (1 if sees else 0)


@with_cases
def test_tag_count_and_tag_page(setup):
    client, _, sees, _ = setup
    tags = {t["name"]: t["count"] for t in client.get("/api/tags").json()["results"]}
    assert (tags.get(TAG) == 1) is sees
    assert (TAG in client.get("/tags/").content.decode()) is sees
    response = client.get(f"/tags/{TAG}/")
    assert response.status_code == (200 if sees else 404)


@with_cases
def test_export(setup):
    client, annotation, sees, _ = setup
    response = client.get("/annotations/export/", {"format": "json"})
    data = json.loads(b"".join(response.streaming_content))
    assert ([r["uid"] for r in data["annotations"]] == [str(annotation.uid)]) is sees
    csv = b"".join(client.get("/annotations/export/", {"format": "csv"}).streaming_content)
    assert (NOTE_WORD in csv.decode()) is sees


@with_cases
def test_edit(setup):
    client, annotation, sees, changes = setup
    response = client.patch(
        f"/api/annotations/{annotation.pk}",
        json.dumps({"note": "changed"}),
        content_type="application/json",
    )
    expected = 200 if changes else (403 if sees else (401, 403, 404))
    assert response.status_code in (expected if isinstance(expected, tuple) else (expected,))
    annotation.refresh_from_db()
    assert (annotation.note == "changed") is changes


@with_cases
def test_delete(setup):
    client, annotation, sees, changes = setup
    response = client.delete(f"/api/annotations/{annotation.pk}")
    if changes:
        assert response.status_code == 204
    elif sees:
        assert response.status_code == 403
    else:
        assert response.status_code in (401, 403, 404)
    assert Annotation.objects.filter(pk=annotation.pk).exists() is not changes


def test_anonymous_reads_shared_when_the_setting_allows(users, client_for, settings):
    settings.COMMONPLACE_ANONYMOUS_READS_SHARED = True
    shared = annotate(users.owner, "prawn cocktail", note=f"{NOTE_WORD}", visibility="shared")
    private = annotate(users.owner, "fawning dependence", note=f"{NOTE_WORD}")
    indexing.flush()
    client = client_for(None)
    assert client.get(f"/api/annotations/{shared.pk}").status_code == 200
    assert client.get(f"/api/annotations/{private.pk}").status_code == 404
    notes = client.get("/api/search", {"q": NOTE_WORD}).json()["notes"]
    assert [n["id"] for n in notes["results"]] == [shared.pk]
    response = client.patch(
        f"/api/annotations/{shared.pk}", json.dumps({"note": "x"}), content_type="application/json"
    )
    assert response.status_code in (401, 403)


def test_the_admin_shows_annotations_and_tags_to_the_operator_alone(users, client_for):
    from django.contrib.auth.models import Permission

    private = annotate(users.owner, "prawn cocktail", note="Only mine", tags=["Hush"])
    # Staff with every permission on annotations still see no one's private notes there.
    users.staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label="annotations")
    )
    staff = client_for(users.staff)
    for url in (
        "/admin/annotations/annotation/",
        f"/admin/annotations/annotation/{private.pk}/change/",
        "/admin/annotations/tag/",
    ):
        response = staff.get(url)
        assert response.status_code in (302, 403), url
        assert (
            "Only mine" not in response.content.decode() and "Hush" not in response.content.decode()
        )
    users.staff.is_superuser = True
    users.staff.save()
    page = client_for(users.staff).get(f"/admin/annotations/annotation/{private.pk}/change/")
    assert page.status_code == 200 and "Only mine" in page.content.decode()
