import io
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from annotations.filters import AnnotationFilters
from annotations.formats import FORMATS, GROUPS, ExportError, Links, Reader, exporter, write_file
from annotations.models import Annotation
from archive.styles import DEFAULT_STYLE, STYLES


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
        parser.add_argument("--since", help="created on or after YYYY-MM-DD")
        parser.add_argument("--until", help="created on or before YYYY-MM-DD")
        parser.add_argument("--q", help="text in the note or the quote")
        parser.add_argument(
            "--orphaned", action="store_true", help="only annotations that lost their passage"
        )
        parser.add_argument("--group-by", choices=GROUPS, default="article", help="md and docx")
        parser.add_argument(
            "--style", choices=list(STYLES), default=DEFAULT_STYLE, help="references in md, docx"
        )
        parser.add_argument(
            "--as", dest="viewer", metavar="NAME", help="only what this user may see"
        )
        parser.add_argument("--base-url", default=settings.COMMONPLACE_BASE_URL)
        parser.add_argument("-o", "--output", help="a file (the text formats go to stdout)")

    def handle(self, *args, **options):
        filters = AnnotationFilters({name: options[name] for name in AnnotationFilters.base_fields})
        if not filters.is_valid():
            raise CommandError("\n".join(filters.problems()))
        where = options["output"] or "standard output"
        reader = self._reader(options)
        try:
            annotations = filters.apply(Annotation.objects.visible_to(reader.viewer))
            export = exporter(
                options["format"],
                annotations,
                Links(options["base_url"]),
                filters.title(reader.viewer),
                options["group_by"],
                reader,
                options["style"],
            )
            if export.binary and not options["output"]:
                raise CommandError(f"{options['format']} is binary: give a file with -o.")
            if options["output"]:
                write_file(export, Path(options["output"]))
            else:
                self._write_to_stdout(export)
        except ExportError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Cannot write to {where}: {error.strerror or error}") from None
        count = annotations.count()
        self.stderr.write(
            self.style.SUCCESS(f"Exported {count} annotation{pluralize(count)} to {where}.")
        )

    def _write_to_stdout(self, export) -> None:
        """Only once the export is built whole, so that a failure writes nothing at all."""
        with export.build() as built:
            text = io.TextIOWrapper(built, encoding="utf-8", newline="")
            while block := text.read(64 * 1024):
                self.stdout.write(block, ending="")

    @staticmethod
    def _reader(options) -> Reader:
        """Whoever runs the server, who sees every annotation; or, with --as, that user."""
        if not options["viewer"]:
            return Reader.operator()
        user = get_user_model().objects.filter(username=options["viewer"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['viewer']!r}.")
        return Reader.of(user)
