"""Many annotators at once, against gunicorn on loopback: lose nothing, drift nowhere.

    .venv/bin/python bench/load.py [--writers 16] [--searchers 4] [--requests 6000]
        [--seconds 120] [--index-updates worker|inline] [--kill-worker] [--database-url URL]
        [--workers 4] [--threads 4] [--floor]

Starts gunicorn as `make serve` does (4 workers of 4 threads, and its index worker) on a
free loopback port with its own data directory. Writers create, edit and delete their own
annotations through the API (token auth), reading each back after a create or an edit;
searchers search. Bounded in requests and time. Reports latency by kind (a write against
the read of the same annotation in the same run), writes a second, errors, lost writes
(acknowledged creates, less acknowledged deletes, missing from the database), index drift
(annotations in the index against annotations in the database) and the index's lag when
the clients stop. --index-updates inline measures requests that apply their own index
updates, as before the index worker. --kill-worker sends SIGKILL to one web worker half
way: acknowledged writes must survive, and the index must catch up. --floor first runs
the same clients, as long, against the framework alone (bench/floor: Django, DRF, token
authentication and the ORM, the same database and gunicorn's shape) and prints the two
side by side: on a machine whose cores the clients share, a target below the floor's
figure is beyond any Django application there.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import Snapshot  # noqa: E402
from bench.load_clients import Client, Tally, percentile, searcher, writer  # noqa: E402
from bench.load_report import beside_floor, report  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
WORKERS = 4
THREADS = 4  # as `make serve`; --workers and --threads to try others

SETUP = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from archive.models import Paragraph
users = [get_user_model().objects.create_user(f"loader{{n}}") for n in range({clients})]
print(json.dumps({{
    "tokens": [Token.objects.create(user=user).key for user in users],
    "paragraphs": [[p.pk, len(p.text)] for p in Paragraph.objects.all()],
}}))
"""

STATE = """
import json, django
django.setup()
from haystack.constants import DJANGO_CT, DJANGO_ID
from haystack.utils import get_model_ct
from annotations.models import Annotation
from search import indexing, outbox
searcher = indexing.backend().searcher()
ct = get_model_ct(Annotation)
indexed = sorted(
    int(fields[DJANGO_ID]) for fields in searcher.all_stored_fields() if fields.get(DJANGO_CT) == ct
)
print(json.dumps({"database": sorted(Annotation.objects.values_list("pk", flat=True)),
                  "indexed": indexed, "pending": outbox.pending_count()}))
"""

FLOOR_SETUP = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
users = [get_user_model().objects.create_user(f"floor{{n}}") for n in range({clients})]
print(json.dumps({{
    "tokens": [Token.objects.create(user=user).key for user in users],
    "paragraphs": [[n, 600] for n in range(1, 80)],
}}))
"""

LAG = """
import json, django
django.setup()
from dataclasses import asdict
from search import outbox
print(json.dumps(asdict(outbox.lag())))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(data_dir: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        COMMONPLACE_DATA_DIR=str(data_dir),
        SECRET_KEY="load-test-only-" + "x" * 40,
        HTTPS="0",
        DJANGO_SETTINGS_MODULE="commonplace.settings",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    return result.stdout


def python(env: dict, code: str) -> dict:
    result = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def workers_of(master: int) -> list[int]:
    result = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    )
    return [int(pid) for pid in result.stdout.split()]


def start_server(args, env: dict, port: int, app: str = "commonplace") -> subprocess.Popen:
    """gunicorn serving an app package's wsgi with its gunicorn_conf: Commonplace as `make
    serve` runs it, or the floor in the same shape."""
    return subprocess.Popen(
        [GUNICORN, "-c", f"python:{app}.gunicorn_conf", f"{app}.wsgi",
         "--workers", str(args.workers), "--threads", str(args.threads),
         "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "--graceful-timeout", "5"],
        cwd=ROOT, env={**env, "INDEX_UPDATES": args.index_updates},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_until_served(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within {seconds:.0f} s")


def clients(args, port: int, setup: dict, tally: Tally, stop: threading.Event) -> list:
    tokens, paragraphs = setup["tokens"], setup["paragraphs"]
    writers = [
        threading.Thread(target=writer, args=(Client(port, tokens[n]), paragraphs, tally, stop, n))
        for n in range(args.writers)
    ]
    searchers = [
        threading.Thread(target=searcher, args=(Client(port, tokens[n]), tally, stop, n))
        for n in range(args.writers, args.writers + args.searchers)
    ]
    return writers + searchers


def catch_up(env: dict, seconds: float = 60) -> tuple[dict, float]:
    """The index's state once nothing is pending (or after `seconds`), and how long it took."""
    started = time.perf_counter()
    while True:
        state = python(env, STATE)
        if not state["pending"] or time.perf_counter() - started > seconds:
            return state, time.perf_counter() - started
        time.sleep(0.2)


def run(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="commonplace-load-") as work:
        env = environment(Path(work), args.database_url)
        manage(env, "migrate", "--noinput")
        manage(env, "flush", "--noinput")  # a shared PostgreSQL database starts empty
        manage(env, "ingest", str(ROOT / "corpus"), "--no-progress")
        manage(env, "update_index")
        setup = python(env, SETUP.format(clients=args.writers + args.searchers))
        port = free_port()
        server = start_server(args, env, port)
        try:
            wait_until_served(port)
            tally, elapsed, cpu, killed = drive(args, port, setup, server)
            lag = python(env, LAG)
            # Inline, rows a killed worker left wait for the next write: make one.
            made = Client(port, setup["tokens"][0]).request(
                "POST",
                "/api/annotations",
                {"paragraph": setup["paragraphs"][0][0], "start": 0, "end": 5},
            )
            if made[0] == 201:
                tally.created.add(made[1]["id"])
            after, caught_up = catch_up(env)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    return {**summary(args, tally, elapsed, lag, after, caught_up, killed), "cpu": cpu}


def drive(args, port: int, setup: dict, server: subprocess.Popen) -> tuple:
    """Run the clients against a served port until the request or time limit:
    (tally, seconds, CPU by process, the web worker killed or None)."""
    tally, stop = Tally(), threading.Event()
    tally.limit = args.requests
    threads = clients(args, port, setup, tally, stop)
    processes = server_processes(server.pid)
    cpu_before = Snapshot.take(*processes)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    killed = kill_a_worker(args, server, tally, started) if args.kill_worker else None
    while not stop.is_set() and time.perf_counter() - started < args.seconds:
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return tally, elapsed, Snapshot.take(*processes).since(cpu_before), killed


def run_floor(args) -> dict:
    """The same clients against the framework alone (bench/floor), served in the same shape
    on the same database: SQLite in its own data directory, or the --database-url, whose
    one table of its own it drops afterwards."""
    with tempfile.TemporaryDirectory(prefix="commonplace-floor-") as work:
        env = {**environment(Path(work), args.database_url),
               "DJANGO_SETTINGS_MODULE": "bench.floor.settings"}  # fmt: skip
        manage(env, "migrate", "--noinput")
        setup = python(env, FLOOR_SETUP.format(clients=args.writers + args.searchers))
        port = free_port()
        server = start_server(args, env, port, app="bench.floor")
        try:
            wait_until_served(port)
            tally, elapsed, cpu, _ = drive(args, port, setup, server)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            manage(env, "migrate", "floor", "zero", "--noinput")
    return {**timings(args, tally, elapsed), "cpu": cpu}


def kill_a_worker(args, server, tally: Tally, started: float) -> int:
    while tally.requests < args.requests // 2 and time.perf_counter() - started < args.seconds / 2:
        time.sleep(0.05)
    web_workers = [pid for pid in workers_of(server.pid) if not is_index_worker(pid)]
    killed = random.Random(1).choice(web_workers)
    os.kill(killed, signal.SIGKILL)
    return killed


def server_processes(master: int) -> tuple[list[int], list[int]]:
    """(web workers, index workers) started by gunicorn's master."""
    children = workers_of(master)
    index = [pid for pid in children if is_index_worker(pid)]
    return [pid for pid in children if pid not in index], index


def is_index_worker(pid: int) -> bool:
    return b"index_worker" in Path(f"/proc/{pid}/cmdline").read_bytes()


def timings(args, tally: Tally, elapsed: float) -> dict:
    """Latency by kind, writes a second and errors: what any server of these routes shows."""
    kinds = tally.latencies
    writes = [t for kind in ("create", "edit", "delete") for t in kinds.get(kind, [])]
    return {
        "writers": args.writers,
        "searchers": args.searchers,
        "requests": tally.requests,
        "seconds": elapsed,
        "writes_per_second": len(writes) / elapsed,
        "write_p50_ms": percentile(writes, 0.5),
        "write_p95_ms": percentile(writes, 0.95),
        "read_p50_ms": percentile(kinds.get("read", []), 0.5),
        "search_p50_ms": percentile(kinds.get("search", []), 0.5),
        "by_kind": {k: (len(v), percentile(v, 0.5), percentile(v, 0.95)) for k, v in kinds.items()},
        "errors": dict(tally.errors),
        "error_count": sum(tally.errors.values()),
    }


def summary(args, tally, elapsed, lag, after, caught_up, killed) -> dict:
    """The timings, and whether every acknowledged write is in the database and the index."""
    expected = tally.created - tally.deleted
    database = set(after["database"])
    return {
        **timings(args, tally, elapsed),
        "index_updates": args.index_updates,
        "acknowledged_creates": len(tally.created),
        "acknowledged_deletes": len(tally.deleted),
        "lost_writes": len(expected - database - tally.delete_unanswered),
        "deletes_unanswered": len(tally.delete_unanswered),
        "deleted_but_present": len(tally.deleted & database),
        "unacknowledged_but_stored": len(database - expected),
        "lag_at_stop": lag,
        "caught_up_seconds": caught_up,
        "pending_at_end": after["pending"],
        "drift": len(set(after["indexed"]) ^ database),
        "killed_worker": killed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--searchers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--index-updates", choices=("worker", "inline"), default="worker")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn's")
    parser.add_argument("--threads", type=int, default=THREADS, help="each worker's")
    parser.add_argument("--database-url", help="default: SQLite in a temporary data directory")
    parser.add_argument(
        "--floor", action="store_true", help="first the same clients against bench/floor"
    )
    args = parser.parse_args()
    floor = run_floor(args) if args.floor else None
    result = run(args)
    print(report(result))
    if floor:
        print("\n" + beside_floor(floor, result))
    failed = result["lost_writes"] or result["drift"] or result["deleted_but_present"]
    failed = failed or (result["error_count"] and not args.kill_worker)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
