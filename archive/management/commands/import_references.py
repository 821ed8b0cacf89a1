from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from archive.reference_import import ArticleChange, ReferenceImportReport, import_references
from archive.reference_reading import FORMATS, ReferenceImportFailed, read_references

_FIELD_NAMES = {
    "author": "author",
    "issue_date": "issue date",
    "original_url": "original URL",
    "doi": "DOI",
}


class Command(BaseCommand):
    help = (
        "Fill or correct articles' author, issue date, original URL and DOI from a BibTeX or "
        "CSL-JSON file, each entry matched to an article by its title. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="the file's format; else told by its extension (.bib, .bibtex, .json) "
            "or its first characters",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )

    def handle(self, *args, file: Path, format: str | None, dry_run: bool, **options):
        try:
            report = import_references(read_references(file, format), dry_run=dry_run)
        except ReferenceImportFailed as error:
            where = "\n" if len(error.problems) > 1 else " "
            raise CommandError(f"Nothing was imported from {file}:{where}{error}") from None
        self._print(report)

    def _print(self, report: ReferenceImportReport) -> None:
        for change in report.changed:
            self._print_change(change)
        for label in report.unmatched:
            self.stdout.write(f"matched no article: {label}")
        for label, keys in report.ambiguous:
            self.stdout.write(f"matched {len(keys)} articles, so none: {label} ({', '.join(keys)})")
        if count := report.reader_urls:
            self.stdout.write(
                f"{count} URL{pluralize(count)} left out as the article's own page here, "
                "not where it first appeared"
            )
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning {warning}"))
        self.stdout.write(self.style.SUCCESS(report.summary() + "."))

    def _print_change(self, change: ArticleChange) -> None:
        self.stdout.write(f'{change.citation_key} "{change.title}" (entry {change.entry}):')
        for field in change.fields:
            old = "(none)" if field.old is None else str(field.old)
            self.stdout.write(f"  {_FIELD_NAMES[field.name]}: {old} -> {field.new}")
