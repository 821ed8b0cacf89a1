import sys
from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from tqdm import tqdm

from archive import readers
from archive.discovery import discover
from archive.ingest import FileOutcome, IngestReport, ingest_files
from archive.preview import FilePreview, preview
from commonplace.ingesting import followers
from search.backends import IndexBusy

# Below this many bytes a progress bar would only flicker.
PROGRESS_MIN_BYTES = 1 << 20


class Command(BaseCommand):
    """Ingest, with what follows the archive wired in: annotations move with their text,
    and the search index takes in what changed."""

    help = (
        "Ingest articles from files (by extension: "
        + ", ".join(sorted(readers.extensions()))
        + ") or folders of them (recursively). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder")
        parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
        parser.add_argument(
            "--format", choices=list(readers.FORMATS), help="read every file in this format"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be stored; store nothing"
        )

    def handle(self, *args, paths: list[str], no_progress: bool = False, **options):
        files, ignored = discover(paths, options["format"])
        if options["dry_run"]:
            self._print_previews(files)
            return
        total_bytes = sum(
            f.path.stat().st_size for f in files if f.path.is_file() and not f.refused
        )
        show_bar = not no_progress and sys.stderr.isatty() and total_bytes >= PROGRESS_MIN_BYTES
        with tqdm(total=total_bytes, unit="B", unit_scale=True, disable=not show_bar) as bar:

            def on_file(outcome: FileOutcome) -> None:
                bar.clear()
                self._report_file(outcome)
                bar.refresh()

            with ExitStack() as holding:
                try:
                    following = holding.enter_context(followers())
                except IndexBusy as busy:
                    raise CommandError(f"{busy}; nothing was ingested.") from None
                report = ingest_files(
                    files,
                    ignored,
                    index=following.index,
                    on_rewritten=following.on_rewritten,
                    progress=bar.update if show_bar else None,
                    on_file=on_file,
                )
        self._report_summary(report)
        failed = report.of_status("failed")
        if failed:
            raise CommandError(
                f"{len(failed)} file{pluralize(len(failed))} failed; the others were ingested."
            )

    def _report_file(self, outcome: FileOutcome) -> None:
        for warning in outcome.warnings:
            self.stderr.write(self.style.WARNING(f"warning {outcome.path}: {warning}"))
        if outcome.status == "failed":
            self.stderr.write(self.style.ERROR(f"FAILED {outcome.path}: {outcome.reason}"))
        elif outcome.status == "skipped":
            self.stdout.write(f"skipped {outcome.path}: {outcome.reason}")
        for title, moved in outcome.rewrites:
            self.stdout.write(f"{outcome.path}: {title}: {moved}")

    def _report_summary(self, report: IngestReport) -> None:
        for kind in ("articles", "sections", "paragraphs"):
            counts = report.total(kind)
            line = (
                f"{kind.capitalize()}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged"
            )
            if counts.deleted:
                line += f", {counts.deleted} deleted"
            self.stdout.write(line)
        ingested, skipped, failed = (
            len(report.of_status(status)) for status in ("ingested", "skipped", "failed")
        )
        line = f"Files: {ingested} ingested, {skipped} skipped, {failed} failed"
        if report.ignored:
            taken = ", ".join(sorted(readers.extensions()))
            ignored = f"{report.ignored} file{pluralize(report.ignored)}"
            line += f"; {ignored} in the folders ignored (not {taken})"
        self.stdout.write((self.style.ERROR if failed else self.style.SUCCESS)(line))

    def _print_previews(self, files) -> None:
        """What each file would give, article by article; nothing is stored."""
        unreadable = 0
        for source_file in files:
            result = preview(source_file)
            unreadable += bool(result.reason)
            self._print_preview(result)
        if unreadable:
            raise CommandError(
                f"{unreadable} file{pluralize(unreadable)} could not be read; nothing was stored."
            )
        self.stdout.write("Dry run: nothing was stored.")

    def _print_preview(self, result: FilePreview) -> None:
        path = result.source.path
        if result.reason:
            self.stderr.write(self.style.ERROR(f"CANNOT READ {path}: {result.reason}"))
            return
        count = len(result.articles)
        self.stdout.write(f"{path} ({result.reader}): {count} article{pluralize(count)}")
        for warning in result.warnings:
            self.stdout.write(f"  warning: {warning}")
        for number, article in enumerate(result.articles, 1):
            self.stdout.write(f"  {number}. {article.title}")
            facts = [
                ("author", article.author),
                ("date", article.issue_date.isoformat() if article.issue_date else ""),
                ("publication", article.publication),
                ("original URL", article.original_url),
                ("sections", "; ".join(article.sections)),
                ("paragraphs", str(article.paragraphs)),
            ]
            for label, value in facts:
                if value:
                    self.stdout.write(f"     {label}: {value}")
            for paragraph in article.first_paragraphs:
                self.stdout.write(f"     | {paragraph}")
            for dropped in article.dropped:
                self.stdout.write(f"     dropped: {dropped}")
            for warning in article.warnings:
                self.stdout.write(f"     warning: {warning}")
