"""An attacker probing for others' private tags through the tags they make themselves.

Each audience has its own tags: whatever another reader tagged privately, every answer
to what the attacker (`other`) does is the answer they would get were that tag not there.
"""

import json

import pytest
from django.urls import reverse

from annotations.models import Annotation, Tag
from annotations.slugs import tag_slug
from archive.models import Paragraph
from tests.conftest import annotate, page_body

pytestmark = pytest.mark.usefixtures("ingested")

SECRETS = ["Secret", "SECRET!", "secret_1", "Sécret"]


@pytest.fixture
def secrets(users):
    """The owner's private tags, spelt to be met by the attacker's names and slugs."""
    return annotate(users.owner, "prawn cocktail", tags=SECRETS)


def body(phrase: str, **fields) -> str:
    paragraph = Paragraph.objects.filter(text__contains=phrase).order_by("pk").first()
    start = paragraph.text.index(phrase)
    return json.dumps(
        {"paragraph": paragraph.pk, "start": start, "end": start + len(phrase), **fields}
    )


def tagged(response) -> list[tuple[str, str]]:
    assert response.status_code in (200, 201), response.content
    return [(link["name"], link["url"]) for link in response.json()["tag_links"]]


def as_if_new(*names: str) -> list[tuple[str, str]]:
    """What tags of these names are when no other tag exists: as typed, with a bare slug."""
    links = [(name, reverse("annotations:tag", args=[tag_slug(name)])) for name in names]
    return sorted(links, key=lambda link: link[0].lower())


@pytest.mark.parametrize("visibility", ["private", "shared"])
def test_tagging_never_gives_back_anothers_private_spelling_or_slug(
    secrets, users, client_for, visibility
):
    attacker = client_for(users.other)
    made = attacker.post(
        "/api/annotations",
        body("Trots?", tags=["secret"], visibility=visibility),
        content_type="application/json",
    )
    assert tagged(made) == as_if_new("secret")
    changed = attacker.patch(
        f"/api/annotations/{made.json()['id']}",
        json.dumps({"tags": ["SÉCRET", "Secret_1"]}),
        content_type="application/json",
    )
    assert tagged(changed) == as_if_new("SÉCRET", "Secret_1")
    assert changed.json()["tags"] == ["Secret_1", "SÉCRET"]
    # Nor does the owner's spelling reach their tag list, page or the API's tags.
    listed = attacker.get("/api/tags").json()["results"]
    assert {tag["name"] for tag in listed} == {"SÉCRET", "Secret_1"}
    page = page_body(attacker.get(reverse("annotations:tag", args=["sécret"])))
    assert "#SÉCRET" in page and "Sécret" not in page
    assert {t.name for t in Annotation.objects.get(pk=secrets.pk).tags.all()} == set(SECRETS)


def test_renaming_to_anothers_private_name_is_renaming_to_a_new_name(secrets, users, client_for):
    annotate(users.other, "Trots?", tags=["mine"], visibility="shared")
    attacker = client_for(users.other)
    response = attacker.post("/annotations/tags/rename/", {"tag": "mine", "name": "secret"})
    assert response.status_code == 302
    listed = attacker.get("/api/tags").json()["results"]
    assert [(t["name"], t["url"]) for t in listed] == as_if_new("secret")


def test_a_shared_tag_left_by_every_shared_annotation_is_gone_with_its_description(
    users, client_for
):
    shared = annotate(users.owner, "prawn cocktail", tags=["City"], visibility="shared")
    owner, attacker = client_for(users.owner), client_for(users.other)
    owner.post("/tags/city/describe/", {"audience": "shared", "description": "Gossip"})
    assert "Gossip" in attacker.get("/tags/city/").content.decode()
    made_private = owner.patch(
        f"/api/annotations/{shared.pk}",
        json.dumps({"visibility": "private"}),
        content_type="application/json",
    )
    assert made_private.json()["tags"] == ["City"]
    gone, missing = attacker.get("/tags/city/"), attacker.get("/tags/no-such-tag/")
    assert gone.status_code == missing.status_code == 404
    assert page_body(gone) == page_body(missing)
    assert attacker.get("/api/tags").json() == {"count": 0, "results": []}
    assert "Gossip" not in owner.get("/tags/city/").content.decode()
    # Using the name again in shared is starting afresh: neither spelling nor gloss return.
    made = attacker.post(
        "/api/annotations",
        body("Trots?", tags=["CITY"], visibility="shared"),
        content_type="application/json",
    )
    assert tagged(made) == as_if_new("CITY")
    assert "Gossip" not in attacker.get("/tags/city/").content.decode()


def test_tags_follow_an_annotation_into_its_new_audience(users, client_for):
    annotate(users.other, "Trots?", tags=["labour"], visibility="shared")
    mine = annotate(users.owner, "prawn cocktail", tags=["Labour", "Economy"])
    owner = client_for(users.owner)

    def make(visibility: str) -> list[str]:
        response = owner.patch(
            f"/api/annotations/{mine.pk}",
            json.dumps({"visibility": visibility}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return response.json()["tags"]

    assert make("shared") == ["Economy", "labour"]  # the shared tag's own spelling
    assert set(mine.tags.values_list("audience", flat=True)) == {"shared"}
    assert make("private") == ["Economy", "Labour"]  # their own tags again
    assert set(mine.tags.values_list("audience", flat=True)) == {f"user:{users.owner.pk}"}
    other_sees = client_for(users.other).get("/api/tags").json()["results"]
    assert [(t["name"], t["count"]) for t in other_sees] == [("labour", 1)]


def test_your_own_and_the_shared_tag_are_one_page_named_as_yours(
    users, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the index hears of them
        annotate(users.other, "Trots?", tags=["Secret"], visibility="shared")
        annotate(users.owner, "prawn cocktail", tags=["secret"])
    owner, other = client_for(users.owner), client_for(users.other)
    assert [(t["name"], t["count"]) for t in owner.get("/api/tags").json()["results"]] == [
        ("secret", 2)
    ]
    assert [(t["name"], t["count"]) for t in other.get("/api/tags").json()["results"]] == [
        ("Secret", 1)
    ]
    page = owner.get("/tags/secret/").content.decode()
    assert "#secret" in page and "2 passages" in page
    search = other.get("/api/search", {"q": "", "tag": "secret"}).json()
    assert search["count"] == 1
    labels = {b["value"]: b["label"] for b in search["facets"]["tag"]}
    assert labels["secret"] == "Secret"  # never the owner's spelling of the slug


def test_a_case_only_rename_renames(users, client_for):
    mine = annotate(users.owner, "prawn cocktail", tags=["labour"])
    shared = annotate(users.owner, "Trots?", tags=["labour"], visibility="shared")
    owner = client_for(users.owner)
    response = owner.post(
        "/annotations/tags/rename/", {"tag": "labour", "name": "Labour"}, follow=True
    )
    assert "“labour” is now “Labour” on 2 annotations." in response.content.decode()
    assert [t.name for t in mine.tags.all()] == ["Labour"]
    assert [t.name for t in shared.tags.all()] == ["Labour"]
    assert owner.get("/tags/labour/").status_code == 200


def test_a_case_only_rename_of_a_shared_tag_others_carry_is_refused(users, client_for):
    theirs = annotate(users.other, "Trots?", tags=["labour"], visibility="shared")
    mine = annotate(users.owner, "prawn cocktail", tags=["labour"], visibility="shared")
    response = client_for(users.owner).post(
        "/annotations/tags/rename/", {"tag": "labour", "name": "LABOUR"}, follow=True
    )
    assert "Others’ shared annotations carry “labour” too" in response.content.decode()
    assert [t.name for t in mine.tags.all()] == [t.name for t in theirs.tags.all()] == ["labour"]
    # A new name is theirs alone to give.
    client_for(users.owner).post("/annotations/tags/rename/", {"tag": "labour", "name": "Work"})
    assert [t.name for t in mine.tags.all()] == ["Work"]
    assert [t.name for t in theirs.tags.all()] == ["labour"]


def test_tags_by_bare_name_are_refused_outside_every_audience(users):
    annotation = annotate(users.owner, "prawn cocktail")
    with pytest.raises(ValueError, match="belongs to an audience"):
        annotation.tags.add("bypass")
    assert not Tag.objects.filter(name="bypass").exists()


def test_your_own_gloss_on_a_tag_you_only_share_stays_yours(users, client_for):
    annotate(users.owner, "prawn cocktail", tags=["City"], visibility="shared")
    owner, other = client_for(users.owner), client_for(users.other)
    own = f"user:{users.owner.pk}"
    owner.post("/tags/city/describe/", {"audience": own, "description": "Mine alone"})
    assert "Mine alone" in owner.get("/tags/city/").content.decode()
    assert "Mine alone" not in other.get("/tags/city/").content.decode()
    assert [t["description"] for t in other.get("/api/tags").json()["results"]] == [""]
    # Tagging a private annotation with it later finds their own tag, gloss and all.
    mine = annotate(users.owner, "Trots?", tags=["CITY"])
    assert list(mine.tags.values_list("name", "audience", "description")) == [
        ("City", own, "Mine alone")
    ]
