"""Audiences, versions and per-audience tag descriptions; every tag gets a real slug.

- Annotation.audience: who may read it ("shared", or "user:<owner id>"), the token that
  annotations.permissions and the search index both filter on; a column the database
  computes from visibility and owner.
- Annotation.version: bumped by every change, for If-Match.
- A tag's description belongs to an audience: a shared description where the tag is on
  shared annotations, else its user's own (copied to each, where several users carry a
  tag privately: nobody's gloss reaches anyone else).
- Tags whose slug came out empty (a name of symbols only, such as an emoji) get one.
"""

from django.db import migrations, models
import django.db.models.deletion

import annotations.permissions

from annotations.slugs import tag_slug


def move_descriptions(apps, schema_editor):
    Tag = apps.get_model("annotations", "Tag")
    TaggedAnnotation = apps.get_model("annotations", "TaggedAnnotation")
    TagDescription = apps.get_model("annotations", "TagDescription")
    for tag in Tag.objects.exclude(description=""):
        audiences = set(
            TaggedAnnotation.objects.filter(tag=tag).values_list(
                "content_object__audience", flat=True
            )
        )
        if "shared" in audiences or not audiences:
            audiences = {"shared"}
        for audience in audiences:
            TagDescription.objects.create(tag=tag, audience=audience, text=tag.description)


def give_every_tag_a_slug(apps, schema_editor):
    Tag = apps.get_model("annotations", "Tag")
    taken = set(Tag.objects.exclude(slug="").values_list("slug", flat=True))
    for tag in Tag.objects.filter(slug="").order_by("pk"):
        slug, suffix = tag_slug(tag.name), 1
        while slug in taken:
            slug, suffix = tag_slug(tag.name, suffix), suffix + 1
        tag.slug = slug
        tag.save(update_fields=["slug"])
        taken.add(slug)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="annotation",
            name="audience",
            field=models.GeneratedField(
                db_index=True,
                db_persist=True,
                expression=annotations.permissions.audience_expression(),
                output_field=models.CharField(max_length=64),
            ),
        ),
        migrations.AddField(
            model_name="annotation",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.CreateModel(
            name="TagDescription",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("audience", models.CharField(max_length=64)),
                ("text", models.TextField(max_length=2000)),
                ("modified", models.DateTimeField(auto_now=True)),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="descriptions",
                        to="annotations.tag",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tag", "audience"), name="one_description_per_audience"
                    )
                ],
            },
        ),
        migrations.RunPython(move_descriptions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="tag", name="description"),
        migrations.RunPython(give_every_tag_a_slug, migrations.RunPython.noop),
    ]
