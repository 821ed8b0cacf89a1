"""The clients of bench/load.py: writers that create, read back, edit and delete their own
annotations through the API, and searchers; each request timed by kind."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import urllib.parse
from collections import defaultdict

SEARCHES = [
    "labour",
    '"prawn cocktail"',
    "Corbyn OR Momentum",
    "govern*",
    "goverment~",
    "elections",
]


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
        # Deletes whose answer never came (a client timeout): the row may or may not be gone,
        # so its absence is not a lost write.
        self.delete_unanswered: set[int] = set()
        self.requests = 0

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.requests += 1
            self.latencies[kind].append(seconds * 1000)
            if not ok:
                self.errors[f"{kind}: {detail}"] += 1


def writer(client: Client, paragraphs: list, tally: Tally, stop: threading.Event, seed: int):
    """Creates (55%), edits (25%) and deletes (20%) its own shared, tagged annotations, and
    after each create or edit reads the annotation back: the yardstick a write is set
    against, the same row through the same stack without the write."""
    rng = random.Random(seed)
    mine: list[int] = []
    while not stop.is_set():
        action = rng.random()
        started = time.perf_counter()
        try:
            if action < 0.55 or not mine:
                made = create(client, rng, paragraphs, seed, tally, started)
                if made is not None:
                    mine.append(made)
                    read(client, made, tally)
            elif action < 0.8:
                pk = rng.choice(mine)
                status, _ = client.request(
                    "PATCH", f"/api/annotations/{pk}", {"note": f"edited {time.time()}"}
                )
                tally.record("edit", time.perf_counter() - started, status == 200, str(status))
                read(client, pk, tally)
            else:
                pk = mine.pop(rng.randrange(len(mine)))
                with tally.lock:
                    tally.delete_unanswered.add(pk)
                status, _ = client.request("DELETE", f"/api/annotations/{pk}")
                ok = status == 204
                with tally.lock:
                    tally.delete_unanswered.discard(pk)
                    if ok:
                        tally.deleted.add(pk)
                tally.record("delete", time.perf_counter() - started, ok, str(status))
        except (OSError, http.client.HTTPException) as error:
            tally.record("write", time.perf_counter() - started, False, type(error).__name__)
        if tally.requests >= tally.limit:
            stop.set()


def create(client, rng, paragraphs, seed, tally, started) -> int | None:
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
    tally.record("create", time.perf_counter() - started, ok, str(status))
    if not ok:
        return None
    with tally.lock:
        tally.created.add(data["id"])
    return data["id"]


def read(client: Client, pk: int, tally: Tally) -> None:
    started = time.perf_counter()
    status, _ = client.request("GET", f"/api/annotations/{pk}")
    tally.record("read", time.perf_counter() - started, status == 200, str(status))


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
