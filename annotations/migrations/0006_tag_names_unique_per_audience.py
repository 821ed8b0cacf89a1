"""A description belongs to its tag, and so to the tag's audience alone; names (whatever
their case) and slugs are unique within each audience."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0005_split_tags_by_audience"),
    ]

    operations = [
        migrations.DeleteModel(name="TagDescription"),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(
                models.F("audience"),
                django.db.models.functions.text.Lower("name"),
                name="tag_name_once_per_audience",
            ),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(
                fields=("audience", "slug"), name="tag_slug_once_per_audience"
            ),
        ),
    ]
