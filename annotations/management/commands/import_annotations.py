from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.importing import ImportFailed, import_records, read_file


class Command(BaseCommand):
    help = (
        "Import annotations from Commonplace's JSON or its W3C JSON-LD. All or nothing, and "
        "idempotent; passages are re-anchored by their quote where paragraph ids differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            report = import_records(read_file(file))
        except ImportFailed as error:
            raise CommandError(f"Nothing was imported from {file}:\n{error}") from None
        self.stdout.write(self.style.SUCCESS(report.describe() + "."))
