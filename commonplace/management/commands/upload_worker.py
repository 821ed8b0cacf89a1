import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from commonplace import upload_jobs

POLL_SECONDS = 1.0


class Command(BaseCommand):
    help = (
        "Read and store the files added on the Add articles page, until stopped (SIGTERM "
        "or Ctrl-C finish the job under way). Run one beside the web server when "
        "UPLOAD_JOBS=worker; make serve starts it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--until-idle", action="store_true", help="stop once none waits")

    def handle(self, *args, until_idle: bool, **options):
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        self.stdout.write("Upload worker: reading and storing uploads as they come.")
        self.stdout.flush()
        ran = 0
        while not stop.is_set():
            # A long-lived process must not keep a connection the database dropped; inside
            # a transaction (a caller's, a test's), closing it would end that transaction.
            if not connection.in_atomic_block:
                close_old_connections()
            done, _ = upload_jobs.run_pending()
            ran += done
            if until_idle and not done:
                break
            stop.wait(POLL_SECONDS)
        self.stdout.write(f"Upload worker stopped: {ran} jobs run.")
