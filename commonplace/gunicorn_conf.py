"""gunicorn as `make serve` runs it: the web workers, and beside them one index worker.

    gunicorn -c python:commonplace.gunicorn_conf commonplace.wsgi --workers 4 --threads 4

The master starts `manage.py index_worker` before it forks the web workers and stops it
(SIGTERM: the batch under way is finished) when it exits. It does not restart it: under a
process manager, run the two as separate services instead (README, "Running it").
"""

import os
import subprocess
import sys
from pathlib import Path

MANAGE = Path(__file__).resolve().parent.parent / "manage.py"
# Long enough for the index worker to finish a batch of 2,000 rows.
STOP_SECONDS = 30
# Web workers yield the CPU to the index worker (and the database) when both want it:
# a busy server otherwise starves the one process that keeps search fresh, and the lag,
# which every search pays for and an author waits on, grows with the load.
WEB_WORKER_NICENESS = 5

_index_worker: subprocess.Popen | None = None


def on_starting(server) -> None:
    global _index_worker
    _index_worker = subprocess.Popen([sys.executable, str(MANAGE), "index_worker"])


def post_fork(server, worker) -> None:
    os.nice(WEB_WORKER_NICENESS)


def on_exit(server) -> None:
    if _index_worker is None:
        return
    _index_worker.terminate()
    try:
        _index_worker.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        _index_worker.kill()
