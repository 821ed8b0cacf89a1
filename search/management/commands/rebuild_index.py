import argparse

from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from search import indexing


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the database with one writer. Searches see the old "
        "index until the new one is committed."
    )

    def add_arguments(self, parser):
        # Accepted for compatibility with haystack's command; nothing is asked.
        parser.add_argument("--noinput", "--no-input", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        indexed = indexing.rebuild()
        paragraphs, annotations = indexed["paragraphs"], indexed["annotations"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {paragraphs} paragraph{pluralize(paragraphs)} "
                f"and {annotations} annotation{pluralize(annotations)}."
            )
        )
