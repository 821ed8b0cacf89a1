from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.exporting import (
    FORMATS,
    GROUPS,
    ExportError,
    ExportFilters,
    Links,
    exporter,
    selection,
)
from annotations.models import Annotation


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date such as 2024-05-17.") from None


class Command(BaseCommand):
    help = (
        "Export annotated excerpts: every annotation, for whoever runs the server (who holds "
        "the database anyway), or with --as NAME only what that user may see."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=list(FORMATS))
        parser.add_argument("--tag", action="append", default=[], help="any of these tags")
        parser.add_argument("--article", help="an article slug")
        parser.add_argument("--user", help="only this annotator's annotations")
        parser.add_argument("--visibility", choices=Annotation.Visibility.values)
        parser.add_argument("--since", type=_date, help="created on or after YYYY-MM-DD")
        parser.add_argument("--until", type=_date, help="created on or before YYYY-MM-DD")
        parser.add_argument("--q", help="text in the note or the quote")
        parser.add_argument("--group-by", choices=GROUPS, default="article", help="md and docx")
        parser.add_argument(
            "--as", dest="viewer", metavar="NAME", help="only what this user may see"
        )
        parser.add_argument("--base-url", default=settings.COMMONPLACE_BASE_URL)
        parser.add_argument("-o", "--output", help="a file (the text formats go to stdout)")

    def handle(self, *args, **options):
        filters = ExportFilters(
            tags=options["tag"],
            article=options["article"],
            user=options["user"],
            visibility=options["visibility"],
            since=options["since"],
            until=options["until"],
            q=options["q"],
        )
        annotations = selection(self._visible(options), filters)
        try:
            export = exporter(
                options["format"],
                annotations,
                Links(options["base_url"]),
                "Commonplace book",
                options["group_by"],
            )
            export.check()
        except ExportError as error:
            raise CommandError(str(error)) from None
        if export.binary and not options["output"]:
            raise CommandError(f"{options['format']} is binary: give a file with -o.")
        if options["output"]:
            mode = "wb" if export.binary else "w"
            encoding = None if export.binary else "utf-8"
            with open(
                options["output"], mode, encoding=encoding, newline="" if encoding else None
            ) as out:
                for chunk in export.chunks():
                    out.write(chunk)
        else:
            for chunk in export.chunks():
                self.stdout.write(chunk, ending="")
        count = annotations.count()
        where = options["output"] or "standard output"
        self.stderr.write(self.style.SUCCESS(f"Exported {count} annotation(s) to {where}."))

    @staticmethod
    def _visible(options):
        if not options["viewer"]:
            return Annotation.objects.all()
        user = get_user_model().objects.filter(username=options["viewer"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['viewer']!r}.")
        return Annotation.objects.visible_to(user)
