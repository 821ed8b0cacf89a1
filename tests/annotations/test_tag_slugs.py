"""Every tag has a page: a readable, non-empty, unique slug made in one place."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from annotations.models import Tag
from annotations.slugs import tag_slug
from tests.conftest import NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Labour Party", "labour-party"),
        ("économie", "économie"),
        ("経済", "経済"),
        ("👍", "thumbs-up-sign"),
        ("!!!", "exclamation-mark-exclamation-mark-exclamation-mark"),
        ("🔥 hot", "hot"),
        ("\u200b", "tag"),
    ],
)
def test_slugs_are_readable_and_never_empty(name, slug):
    assert tag_slug(name) == slug


def test_symbol_tags_break_no_page(client_for, users):
    for name in ("👍", "🔥", "!!!", "???", "économie"):
        annotate(users.owner, "prawn cocktail", tags=[name], visibility="shared")
    slugs = dict(Tag.objects.values_list("name", "slug"))
    assert all(slugs.values()) and len(set(slugs.values())) == len(slugs)
    assert slugs["👍"] == "thumbs-up-sign" and slugs["économie"] == "économie"
    for user in (users.owner, users.other):
        client = client_for(user)
        for url in ("/tags/", "/annotations/", f"/articles/{NEW_LABOUR}/", "/api/tags"):
            assert client.get(url).status_code == 200, url
        for name, slug in slugs.items():
            page = client.get(Tag.objects.get(name=name).get_absolute_url())
            assert page.status_code == 200, slug
            assert name in page.content.decode()


def test_a_tag_renamed_to_symbols_keeps_a_page(client_for, users):
    annotate(users.owner, "prawn cocktail", tags=["City"])
    client = client_for(users.owner)
    client.post("/annotations/tags/rename/", {"tag": "city", "name": "🙂"})
    tag = Tag.objects.get(name="🙂")
    assert tag.slug == "slightly-smiling-face"
    assert client.get("/tags/slightly-smiling-face/").status_code == 200


def test_the_reader_links_tags_where_the_server_says(client_for, users):
    annotate(users.owner, "prawn cocktail", tags=["é", "🔥"], visibility="shared")
    html = client_for(users.other).get(f"/articles/{NEW_LABOUR}/").content.decode()
    context = json.loads(
        html.split('<script id="reader-context" type="application/json">')[1].split("</script>")[0]
    )
    (annotation,) = context["annotations"]
    assert annotation["tag_links"] == [
        {"name": "é", "url": "/tags/%C3%A9/"},
        {"name": "🔥", "url": "/tags/fire/"},
    ]
    assert annotation["can_edit"] is False and annotation["mine"] is False


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_empty_slugs_a_page_and_keeps_descriptions(users):
    """Tags stored by the old code with an empty slug, and descriptions on the tag, are
    mended by the migration."""
    executor = MigrationExecutor(connection)
    old = [("annotations", "0001_initial")]
    executor.migrate(old)
    state = executor.loader.project_state(old).apps
    OldTag = state.get_model("annotations", "Tag")
    OldAnnotation = state.get_model("annotations", "Annotation")
    OldArticle = state.get_model("archive", "Article")
    article = OldArticle.objects.first()
    thumbs = OldTag.objects.create(name="👍", slug="", description="Approval")
    city = OldTag.objects.create(name="City", slug="city", description="The City of London")
    private = OldAnnotation.objects.create(
        owner_id=users.owner.pk, article=article, start_offset=0, end_offset=1, quote="x"
    )
    shared = OldAnnotation.objects.create(
        owner_id=users.other.pk,
        article=article,
        start_offset=0,
        end_offset=1,
        quote="y",
        visibility="shared",
    )
    OldTagged = state.get_model("annotations", "TaggedAnnotation")
    for annotation, tag in [(private, thumbs), (private, city), (shared, city)]:
        OldTagged.objects.create(content_object=annotation, tag=tag)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    (thumbs,) = Tag.objects.filter(name="👍")
    assert thumbs.slug == "thumbs-up-sign"
    assert (thumbs.audience, thumbs.description) == (f"user:{users.owner.pk}", "Approval")
    # City is carried in two audiences: a tag in each, the description the shared one's.
    cities = Tag.objects.filter(name="City").order_by("audience")
    assert list(cities.values_list("audience", "slug", "description")) == [
        ("shared", "city", "The City of London"),
        (f"user:{users.owner.pk}", "city", ""),
    ]
