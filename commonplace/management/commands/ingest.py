import sys
from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from tqdm import tqdm

from annotations.reanchor import reanchor_article
from archive.discovery import discover
from archive.ingest import FileOutcome, IngestReport, ingest_files
from search.backends import IndexBusy
from search.indexing import IngestIndex

# Below this many bytes a progress bar would only flicker.
PROGRESS_MIN_BYTES = 1 << 20


class Command(BaseCommand):
    """Ingest, with what follows the archive wired in: annotations move with their text,
    and the search index takes in what changed."""

    help = "Ingest articles from .txt files or folders of them (recursively). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a .txt file or a folder")
        parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")

    def handle(self, *args, paths: list[str], no_progress: bool = False, **options):
        files, ignored = discover(paths)
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
                    index = holding.enter_context(IngestIndex())
                except IndexBusy as busy:
                    raise CommandError(f"{busy}; nothing was ingested.") from None
                report = ingest_files(
                    files,
                    ignored,
                    index=index,
                    on_rewritten=lambda article, old, new: reanchor_article(
                        article.pk, old, new, changes=index
                    ),
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
            ignored = f"{report.ignored} non-.txt file{pluralize(report.ignored)}"
            line += f"; {ignored} in the folders ignored"
        self.stdout.write((self.style.ERROR if failed else self.style.SUCCESS)(line))
