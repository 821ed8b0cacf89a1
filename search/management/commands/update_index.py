from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from search import indexing, outbox


class Command(BaseCommand):
    help = (
        "Apply what the search index has not taken in yet (changes left pending by a busy "
        "index or a process that stopped). rebuild_index re-indexes everything."
    )

    def handle(self, *args, **options):
        pending = outbox.pending_count()
        applied = indexing.flush()
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied {applied} of {pending} pending index update{pluralize(pending)}."
            )
        )
