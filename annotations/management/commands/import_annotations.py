from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.formats.importing import ImportFailed, import_records, read_file


class Command(BaseCommand):
    help = (
        "Import annotations from Commonplace's JSON or its W3C JSON-LD. All or nothing, and "
        "idempotent; passages are re-anchored by their quote where paragraph ids differ. "
        "A record naming someone who has an account here is refused unless you say whose "
        "the annotations become: --as NAME, or --keep-annotators for a trusted restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        whose = parser.add_mutually_exclusive_group()
        whose.add_argument(
            "--as", dest="as_user", metavar="NAME", help="make every imported annotation NAME's"
        )
        whose.add_argument(
            "--keep-annotators",
            action="store_true",
            help="a trusted restore: annotations of annotators with an account here "
            "become theirs (matched by username)",
        )

    def handle(self, *args, file: Path, as_user: str | None, keep_annotators: bool, **options):
        owner = None
        if as_user is not None:
            owner = get_user_model().objects.filter(username=as_user).first()
            if owner is None:
                raise CommandError(f"There is no user {as_user!r} to import as.")
        try:
            report = import_records(read_file(file), as_user=owner, keep_annotators=keep_annotators)
        except ImportFailed as error:
            raise CommandError(f"Nothing was imported from {file}:\n{error}") from None
        self.stdout.write(self.style.SUCCESS(report.describe() + "."))
