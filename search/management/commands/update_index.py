from django.core.management.base import BaseCommand

from search import indexing


class Command(BaseCommand):
    help = "Bring the search index up to date with the database, rebuilding it from scratch."

    def handle(self, *args, **options):
        pending = indexing.pending_count()
        added = indexing.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {added} paragraph(s); {pending} pending update(s) included."
            )
        )
