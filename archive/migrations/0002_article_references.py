"""Articles become references: a citation key given once, where the article first
appeared, its DOI, and whether a magazine or a newspaper published it. Articles stored
before get their keys here, oldest first, by the rule new ones follow."""

from django.db import migrations, models

from archive import citekeys


def give_keys(apps, schema_editor):
    Article = apps.get_model("archive", "Article")
    given: set[str] = set()
    for article in Article.objects.order_by("pk").iterator():
        base = citekeys.base_key(
            article.author, article.issue_date, article.title, article.publication
        )
        article.citation_key = citekeys.unique_key(base, given.__contains__)
        given.add(article.citation_key)
        article.save(update_fields=["citation_key"])


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="publication_type",
            field=models.CharField(
                choices=[("magazine", "Magazine"), ("newspaper", "Newspaper")],
                default="magazine",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="original_url",
            field=models.URLField(
                blank=True,
                help_text="Where the article was first published, when its source says so.",
                max_length=2000,
                verbose_name="original URL",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="doi",
            field=models.CharField(blank=True, max_length=255, verbose_name="DOI"),
        ),
        migrations.AddField(
            model_name="article",
            name="citation_key",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="article",
            name="citation_key",
            field=models.CharField(
                help_text="What writing cites it by (giddens2010rise): given once, never changed.",
                max_length=100,
                unique=True,
            ),
        ),
    ]
