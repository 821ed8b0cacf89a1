"""Many annotators at once, against gunicorn on loopback: lose nothing, drift nowhere.

    .venv/bin/python bench/load.py [--clients 16] [--requests 3000] [--seconds 120]
                                   [--kill-worker] [--database-url URL]

Starts gunicorn with 4 workers on a free loopback port and its own data directory; 12
clients create, edit and delete annotations through the API (token auth) while 4 search.
Bounded in requests and time. Reports requests, errors, p50/p95 latency, lost writes
(acknowledged creates, less acknowledged deletes, missing from the database) and index
drift (annotations in the index against annotations in the database). --kill-worker
sends SIGKILL to one worker half way: acknowledged writes must survive, and the index
must catch up once the next write flushes it.
"""

from __future__ import annotations

import argparse
import http.client
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
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
WORKERS = 4
# As `make serve`: a request waiting for its index update must not keep searches waiting.
THREADS = 4
SEARCHES = [
    "labour",
    '"prawn cocktail"',
    "Corbyn OR Momentum",
    "govern*",
    "goverment~",
    "elections",
]

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


class Client:
    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, path, payload, headers)
            response = connection.getresponse()
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
        finally:
            connection.close()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = defaultdict(int)
        self.created: set[int] = set()
        self.deleted: set[int] = set()
        self.requests = 0

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.requests += 1
            self.latencies[kind].append(seconds * 1000)
            if not ok:
                self.errors[f"{kind}: {detail}"] += 1


def writer(client: Client, paragraphs: list, tally: Tally, stop: threading.Event, seed: int):
    rng = random.Random(seed)
    mine: list[int] = []
    while not stop.is_set():
        action = rng.random()
        started = time.perf_counter()
        try:
            if action < 0.55 or not mine:
                pk, length = rng.choice(paragraphs)
                start = rng.randrange(0, max(length - 30, 1))
                body = {
                    "paragraph": pk,
                    "start": start,
                    "end": min(start + 25, length),
                    "note": f"load {seed}",
                    "tags": [f"load{seed % 4}"],
                    "visibility": "shared",
                }
                status, data = client.request("POST", "/api/annotations", body)
                ok = status == 201
                if ok:
                    mine.append(data["id"])
                    with tally.lock:
                        tally.created.add(data["id"])
                tally.record("create", time.perf_counter() - started, ok, str(status))
            elif action < 0.8:
                pk = rng.choice(mine)
                status, _ = client.request(
                    "PATCH", f"/api/annotations/{pk}", {"note": f"edited {time.time()}"}
                )
                tally.record("edit", time.perf_counter() - started, status == 200, str(status))
            else:
                pk = mine.pop(rng.randrange(len(mine)))
                status, _ = client.request("DELETE", f"/api/annotations/{pk}")
                ok = status == 204
                if ok:
                    with tally.lock:
                        tally.deleted.add(pk)
                tally.record("delete", time.perf_counter() - started, ok, str(status))
        except (OSError, http.client.HTTPException) as error:
            tally.record("write", time.perf_counter() - started, False, type(error).__name__)
        if tally.requests >= tally.limit:
            stop.set()


def searcher(client: Client, tally: Tally, stop: threading.Event, seed: int):
    rng = random.Random(seed)
    while not stop.is_set():
        query = rng.choice(SEARCHES)
        started = time.perf_counter()
        try:
            status, _ = client.request("GET", "/api/search?" + urllib.parse.urlencode({"q": query}))
            tally.record("search", time.perf_counter() - started, status == 200, str(status))
        except (OSError, http.client.HTTPException) as error:
            tally.record("search", time.perf_counter() - started, False, type(error).__name__)
        if tally.requests >= tally.limit:
            stop.set()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def workers_of(master: int) -> list[int]:
    result = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    )
    return [int(pid) for pid in result.stdout.split()]


def run(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="commonplace-load-") as work:
        env = environment(Path(work), args.database_url)
        manage(env, "migrate", "--noinput")
        manage(env, "flush", "--noinput")  # a shared PostgreSQL database starts empty
        manage(env, "ingest", str(ROOT / "corpus"), "--no-progress")
        manage(env, "update_index")
        setup = python(env, SETUP.format(clients=args.clients))
        port = free_port()
        server = subprocess.Popen(
            [
                GUNICORN,
                "commonplace.wsgi",
                "--workers",
                str(WORKERS),
                "--threads",
                str(THREADS),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            for _ in range(100):
                try:
                    if Client(port).request("GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)
            tally = Tally()
            tally.limit = args.requests
            stop = threading.Event()
            searchers = max(args.clients // 4, 1)
            threads = [
                threading.Thread(
                    target=writer,
                    args=(Client(port, setup["tokens"][n]), setup["paragraphs"], tally, stop, n),
                )
                for n in range(args.clients - searchers)
            ] + [
                threading.Thread(
                    target=searcher, args=(Client(port, setup["tokens"][n]), tally, stop, n)
                )
                for n in range(args.clients - searchers, args.clients)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            killed = None
            if args.kill_worker:
                while (
                    tally.requests < args.requests // 2
                    and time.perf_counter() - started < args.seconds / 2
                ):
                    time.sleep(0.05)
                killed = random.Random(1).choice(workers_of(server.pid))
                os.kill(killed, signal.SIGKILL)
            while not stop.is_set() and time.perf_counter() - started < args.seconds:
                time.sleep(0.1)
            stop.set()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            before = python(env, STATE)
            # One more write flushes whatever a killed worker left pending.
            Client(port, setup["tokens"][0]).request("GET", "/healthz")
            catch_up = Client(port, setup["tokens"][0]).request(
                "POST",
                "/api/annotations",
                {
                    "paragraph": setup["paragraphs"][0][0],
                    "start": 0,
                    "end": 5,
                    "visibility": "private",
                },
            )
            if catch_up[0] == 201:
                tally.created.add(catch_up[1]["id"])
            after = python(env, STATE)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    expected = tally.created - tally.deleted
    database = set(after["database"])
    all_latencies = [t for values in tally.latencies.values() for t in values]
    return {
        "clients": args.clients,
        "requests": tally.requests,
        "seconds": elapsed,
        "errors": dict(tally.errors),
        "error_count": sum(tally.errors.values()),
        "p50_ms": percentile(all_latencies, 0.5),
        "p95_ms": percentile(all_latencies, 0.95),
        "by_kind": {
            k: (len(v), percentile(v, 0.5), percentile(v, 0.95)) for k, v in tally.latencies.items()
        },
        "acknowledged_creates": len(tally.created),
        "acknowledged_deletes": len(tally.deleted),
        "lost_writes": len(expected - database),
        "deleted_but_present": len(tally.deleted & database),
        "unacknowledged_but_stored": len(database - expected),
        "drift_before_catch_up": len(set(before["indexed"]) ^ set(before["database"])),
        "pending_before_catch_up": before["pending"],
        "drift": len(set(after["indexed"]) ^ database),
        "killed_worker": killed,
    }


def report(r: dict) -> str:
    rate = r["requests"] / r["seconds"]
    killed = (
        f"; worker {r['killed_worker']} killed with SIGKILL half way" if r["killed_worker"] else ""
    )
    lines = [
        f"{r['requests']:,} requests from {r['clients']} clients in {r['seconds']:.0f} s "
        f"({rate:.0f}/s); p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms{killed}",
        "",
        "| kind | requests | p50 | p95 |",
        "| --- | --- | --- | --- |",
    ]
    for kind, (count, p50, p95) in sorted(r["by_kind"].items()):
        lines.append(f"| {kind} | {count:,} | {p50:.0f} ms | {p95:.0f} ms |")
    lines += [
        "",
        f"- errors: **{r['error_count']}** {r['errors'] or ''}",
        f"- acknowledged creates {r['acknowledged_creates']:,}, "
        f"deletes {r['acknowledged_deletes']:,}; lost writes: **{r['lost_writes']}**; "
        f"deleted but still stored: {r['deleted_but_present']}; "
        f"stored without an acknowledgement: {r['unacknowledged_but_stored']}",
        f"- index drift after the run: {r['drift_before_catch_up']} "
        f"({r['pending_before_catch_up']} updates pending); "
        f"after the next write: **{r['drift']}**",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--database-url", help="default: SQLite in a temporary data directory")
    args = parser.parse_args()
    result = run(args)
    print(report(result))
    failed = result["lost_writes"] or result["drift"] or result["deleted_but_present"]
    failed = failed or (result["error_count"] and not args.kill_worker)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
