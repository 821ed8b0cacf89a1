"""The migration splitting tags by audience, run on a populated database as `migrate` runs
it: each audience keeps its tags, spellings and descriptions, and nobody else's."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from annotations.models import Annotation, Tag

pytestmark = pytest.mark.usefixtures("ingested")

BEFORE = [("annotations", "0003_note_images_as_links")]


@pytest.mark.django_db(transaction=True)
def test_tags_are_split_by_the_audiences_of_their_annotations(users):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldTag, Described = (
        old.get_model("annotations", "Tag"),
        old.get_model("annotations", "TagDescription"),
    )
    Tagged, OldAnnotation = (
        old.get_model("annotations", "TaggedAnnotation"),
        old.get_model("annotations", "Annotation"),
    )
    article = old.get_model("archive", "Article").objects.first()

    def annotation(user, visibility, *tags):
        made = OldAnnotation.objects.create(
            owner_id=user.pk,
            article=article,
            start_offset=0,
            end_offset=1,
            quote="q",
            visibility=visibility,
        )
        for tag in tags:
            Tagged.objects.create(content_object=made, tag=tag)
        return made.pk

    city = OldTag.objects.create(name="City", slug="city")
    upper, lower = (
        OldTag.objects.create(name="Labour", slug="labour"),
        OldTag.objects.create(name="labour", slug="labour_1"),
    )
    ghost = OldTag.objects.create(name="Ghost", slug="ghost")
    left = OldTag.objects.create(name="Left", slug="left")
    owner, other = f"user:{users.owner.pk}", f"user:{users.other.pk}"
    private = annotation(users.owner, "private", city, upper, lower)
    shared = annotation(users.other, "shared", city, left)
    theirs = annotation(users.other, "private", lower)
    Described.objects.create(tag=city, audience="shared", text="The City of London")
    Described.objects.create(tag=city, audience=owner, text="Owner's gloss")
    Described.objects.create(tag=left, audience=owner, text="Owner's view of the left")
    Described.objects.create(tag=ghost, audience="shared", text="Gone private long ago")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    def tags_of(pk):
        return sorted(Annotation.objects.get(pk=pk).tags.values_list("name", "slug", "audience"))

    assert tags_of(private) == [("City", "city", owner), ("Labour", "labour", owner)]
    assert tags_of(shared) == [("City", "city", "shared"), ("Left", "left", "shared")]
    assert tags_of(theirs) == [("labour", "labour_1", other)]
    assert set(
        Tag.objects.exclude(description="").values_list("name", "audience", "description")
    ) == {
        ("City", "shared", "The City of London"),
        ("City", owner, "Owner's gloss"),
        ("Left", owner, "Owner's view of the left"),
    }
    assert not Tag.objects.filter(name="Ghost").exists()
    # Each audience's names are unique whatever their case: the database holds to it now.
    assert sorted(Tag.objects.values_list("name", "audience")) == sorted(
        [
            ("City", owner),
            ("City", "shared"),
            ("Labour", owner),
            ("Left", "shared"),
            ("Left", owner),
            ("labour", other),
        ]
    )
