"""Tags get an audience and their description back; names and slugs stop being unique
across all audiences (0006 makes them unique within each)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0003_note_images_as_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="audience",
            field=models.CharField(default="shared", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="tag",
            name="description",
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name="tag",
            name="name",
            field=models.CharField(max_length=100),
        ),
        migrations.AlterField(
            model_name="tag",
            name="slug",
            field=models.SlugField(allow_unicode=True, max_length=100),
        ),
    ]
