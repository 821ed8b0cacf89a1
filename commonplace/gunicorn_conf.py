"""gunicorn as `make serve` runs it: the web workers, and beside them one index worker
and one upload worker.

    gunicorn -c python:commonplace.gunicorn_conf commonplace.wsgi --workers 4 --threads 4

The master starts `manage.py index_worker` and `manage.py upload_worker` before it forks
the web workers and stops them (SIGTERM: the batch or job under way is finished) when it
exits. It does not restart them: under a process manager, run the three as separate
services instead (README, "Running it").
"""

import os
import subprocess
import sys
from pathlib import Path

MANAGE = Path(__file__).resolve().parent.parent / "manage.py"
# Long enough for the index worker to finish a batch of 2,000 rows. An upload being
# stored when the server stops is taken up again by the next upload worker (STALE_AFTER).
STOP_SECONDS = 30
WORKERS = ("index_worker", "upload_worker")
# Web workers yield the CPU to the index worker (and the database) when both want it:
# a busy server otherwise starves the one process that keeps search fresh, and the lag,
# which every search pays for and an author waits on, grows with the load.
WEB_WORKER_NICENESS = 5

_workers: list[subprocess.Popen] = []


def on_starting(server) -> None:
    _workers.extend(subprocess.Popen([sys.executable, str(MANAGE), name]) for name in WORKERS)


def post_fork(server, worker) -> None:
    os.nice(WEB_WORKER_NICENESS)


def on_exit(server) -> None:
    for worker in _workers:
        worker.terminate()
    for worker in _workers:
        try:
            worker.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
