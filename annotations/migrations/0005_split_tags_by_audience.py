"""Every tag is split by the audiences of the annotations carrying it: each audience gets
its own tag of that name and slug, and its own description (the one written for it).

Names differing only in case within one audience become one tag (the oldest). A shared
description whose tag no shared annotation carries any longer goes: nobody may read it.
A reader's own description of a tag they carry only in shared annotations stays theirs,
on a tag of their own. A tag nobody carries and nobody described goes.
"""

from django.db import migrations


def split_tags_by_audience(apps, schema_editor):
    Tag = apps.get_model("annotations", "Tag")
    TaggedAnnotation = apps.get_model("annotations", "TaggedAnnotation")
    TagDescription = apps.get_model("annotations", "TagDescription")
    homes = {}  # (audience, folded name) -> the tag standing for it there
    claimed = set()  # the pks of old tags now standing for one audience

    def home(tag, audience):
        key = (audience, tag.name.lower())
        if key not in homes:
            if tag.pk not in claimed:
                tag.audience = audience
                tag.save(update_fields=["audience"])
                claimed.add(tag.pk)
                homes[key] = tag
            else:
                homes[key] = Tag.objects.create(name=tag.name, slug=tag.slug, audience=audience)
        return homes[key]

    for tag in Tag.objects.order_by("pk"):
        carriers = TaggedAnnotation.objects.filter(tag=tag)
        audiences = sorted(set(carriers.values_list("content_object__audience", flat=True)))
        for audience in audiences:
            target = home(tag, audience)
            if target.pk == tag.pk:
                continue
            theirs = TaggedAnnotation.objects.filter(tag=tag, content_object__audience=audience)
            has_target = TaggedAnnotation.objects.filter(tag=target).values("content_object_id")
            theirs.filter(content_object_id__in=has_target).delete()
            theirs.update(tag=target)

    for description in TagDescription.objects.select_related("tag").order_by("pk"):
        key = (description.audience, description.tag.name.lower())
        if key in homes:
            target = homes[key]
        elif description.audience.startswith("user:"):
            target = home(description.tag, description.audience)
        else:
            continue
        if not target.description:
            target.description = description.text
            target.save(update_fields=["description"])

    Tag.objects.exclude(pk__in={tag.pk for tag in homes.values()}).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0004_tags_per_audience"),
    ]

    operations = [
        migrations.RunPython(split_tags_by_audience, migrations.RunPython.noop),
    ]
