import signal
import threading

from django.core.management.base import BaseCommand

from search import worker


class Command(BaseCommand):
    help = (
        "Apply changes to the search index in batches as they are made, until stopped "
        "(SIGTERM or Ctrl-C finish the batch under way). Run one beside the web server "
        "when INDEX_UPDATES=worker; make serve starts it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--poll",
            type=float,
            default=worker.POLL_SECONDS,
            help="seconds between looks at an empty outbox (default %(default)s)",
        )
        parser.add_argument(
            "--until-idle", action="store_true", help="stop once nothing is pending"
        )

    def handle(self, *args, poll: float, until_idle: bool, **options):
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        self.stdout.write(f"Index worker: applying pending changes every {poll:g} s at most.")
        self.stdout.flush()
        report = worker.IndexWorker(poll_seconds=poll).run(stop, until_idle=until_idle)
        self.stdout.write(
            f"Index worker stopped: {report.rows} rows applied, {report.failures} failures."
        )
