"""Time hostile queries through the app's real search path: no single one may hold it.

    .venv/bin/python bench/hostile.py --data-dir DIR [--articles 1000] [--rounds 5]
    .venv/bin/python bench/hostile.py --data-dir DIR --concurrent 10 [--seconds 60]

DIR is the data folder of an earlier `bench/run.py` ingest, or an empty folder: then a
synthetic archive (bench/generate.py) is generated, ingested and annotated there first
(about 8 minutes for 1,000 articles; kept for the next run). Each query goes through
`GET /api/search` with Django's test client, as an anonymous visitor: session, parse,
search, 20 highlighted hits, facets, notes, "did you mean". Each query runs `--rounds`
times after one warm-up; the median and the worst are reported, with the count and the
messages the answer carried. The target: the worst under 1 s at 40,000 paragraphs.

With --concurrent N, N clients instead send the slowest of these queries over and over
to gunicorn (4 workers of 4 threads, as `make serve` runs it) on loopback for --seconds,
while /healthz is asked twice a second: how long it and the hostile requests take.
--app DIR serves another checkout of the app on the same data, to compare versions.

The queries are built from the index's own vocabulary, so every run asks the same.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402
from bench.load import (  # noqa: E402
    GUNICORN,
    THREADS,
    WORKERS,
    Client,
    free_port,
    wait_until_served,
)
from bench.run import INGEST, annotate, environment, run_json  # noqa: E402

MAX_CHARS = 500  # what /api/search accepts


def prepare(data_dir: Path, articles: int) -> None:
    """Generate, ingest and annotate an archive in data_dir, unless it holds one."""
    if (data_dir / "whoosh").exists():
        return
    corpus = data_dir.parent / f"{data_dir.name}-corpus"
    print(f"Generating and ingesting {articles} articles into {data_dir} ...", file=sys.stderr)
    write_corpus(corpus, articles)
    result = run_json(INGEST, str(corpus), env=environment(data_dir))
    print(f"  {result['paragraphs']:,} paragraphs in {result['seconds']:.0f} s", file=sys.stderr)
    annotate(data_dir, 2000)


def joined(words: list[str], separator: str) -> str:
    """As many of the words as fit in MAX_CHARS."""
    text = ""
    for word in words:
        longer = f"{text}{separator}{word}" if text else word
        if len(longer) > MAX_CHARS:
            break
        text = longer
    return text


def hostile_queries(searcher) -> list[tuple[str, str]]:
    """(kind, text) pairs: what an attacker, or a careless script, would send."""
    words = [
        (term.decode() if isinstance(term, bytes) else term, searcher.doc_frequency("exact", term))
        for term in searcher.lexicon("exact")
    ]
    words = [(w, f) for w, f in words if w.isalpha() and len(w) >= 5]
    frequent = [w for w, f in sorted(words, key=lambda pair: -pair[1])][:200]
    rare = [w for w, f in words if 2 <= f <= 5][::53][:100]
    long_word = max((w for w, _ in words[:5000]), key=len)
    misspelt = [w[:2] + w[3:] for w in rare]
    common = frequent[:12]
    nested = "(" * 120 + f"{frequent[0]} OR {frequent[1]}" + ")" * 120
    return [
        ("fuzzy, large distance", "abcdefghijk~9"),
        ("fuzzy, large distance", f"{frequent[3]}~9"),
        ("fuzzy, large distance", f"{long_word}~9"),
        ("fuzzy, many", " ".join(f"{w}~2" for w in frequent[:8])),
        ("short prefix", "a*"),
        ("short prefix", "s*"),
        ("short prefixes, OR", "a* OR b* OR c* OR d* OR e* OR f*"),
        ("leading wildcard", "*a*"),
        ("leading wildcard", "*e"),
        ("leading wildcard, no match", "*zqxj*"),
        ("inner wildcard", "a*n"),
        ("single-letter wildcard", "?"),
        ("long OR chain, frequent", joined(frequent, " OR ")),
        ("long OR chain, rare", joined(rare, " OR ")),
        ("many misspelt words", joined(misspelt, " ")),
        ("nested brackets", nested),
        ("500 characters of words", joined(frequent[::2], " ")),
        ("phrase of common words", '"' + " ".join(common) + '"'),
        ("phrase of common words", f'"{frequent[0]} {frequent[1]}"~9'),
        ("NOT only", f"NOT {frequent[0]}"),
        ("NOT only", f"-{frequent[0]} -{frequent[1]}"),
        ("everything", "*"),
        ("everything but", f"* -{frequent[0]}"),
        ("500 characters of punctuation", "-(" * 250),
    ]


def measure(data_dir: Path, rounds: int) -> dict:
    os.environ.update(environment(data_dir))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from whoosh.index import open_dir

    searcher = open_dir(str(data_dir / "whoosh")).searcher()
    queries = hostile_queries(searcher)
    client = Client()
    rows = []
    for kind, text in queries:
        assert len(text) <= MAX_CHARS, (kind, len(text))
        times, data = [], {}
        for round_number in range(rounds + 1):
            started = time.perf_counter()
            response = client.get("/api/search", {"q": text})
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (text, response.content[:300])
            data = response.json()
            if round_number:  # the first round only warms caches
                times.append(elapsed)
        rows.append(
            {
                "kind": kind,
                "query": text,
                "median_ms": statistics.median(times),
                "worst_ms": max(times),
                "count": data["count"],
                "messages": data["messages"],
            }
        )
        print(f"  {rows[-1]['median_ms']:8.1f} ms  {kind}", file=sys.stderr)
    return {
        "documents": searcher.doc_count(),
        "budget_ms": settings.COMMONPLACE_SEARCH_BUDGET_MS,
        "rounds": rounds,
        "rows": rows,
    }


# What each message of the answer says, in a word or two, for the table.
SUMMARIES = {
    "at most 2 edits": "edits lowered to 2",
    "searched as plain words": "terms made plain",
    "matches too many words": "expansion cut",
    "took longer than": "**out of time**",
    "nothing to search for": "nothing to search",
    "brackets were ignored": "brackets ignored",
}


def summary(message: str) -> str:
    return next((short for key, short in SUMMARIES.items() if key in message), message[:40])


def report(results: dict) -> str:
    rows = results["rows"]
    worst = max(rows, key=lambda row: row["median_ms"])
    lines = [
        f"{results['documents']:,} documents, budget {results['budget_ms']} ms, "
        f"median of {results['rounds']} rounds (and the worst round), anonymous.",
        "",
        "| kind | query | median | worst round | count | messages |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        shown = (
            row["query"]
            if len(row["query"]) <= 40
            else f"{row['query'][:37]}… ({len(row['query'])} chars)"
        )
        said = ", ".join(summary(message) for message in row["messages"])
        lines.append(
            f"| {row['kind']} | `{shown}` | {row['median_ms']:.0f} ms | {row['worst_ms']:.0f} ms "
            f"| {row['count']:,} | {said} |"
        )
    lines += ["", f"Worst median: **{worst['median_ms']:.0f} ms** ({worst['kind']})."]
    return "\n".join(lines)


def concurrent(data_dir: Path, clients: int, seconds: float, app: Path) -> dict:
    """N clients hammering gunicorn with hostile queries while /healthz is watched."""
    import threading
    import urllib.parse

    from whoosh.index import open_dir

    searcher = open_dir(str(data_dir / "whoosh")).searcher()
    texts = [text for kind, text in hostile_queries(searcher) if kind in SLOWEST]
    env = {**environment(data_dir), "PYTHONPATH": str(app)}
    port = free_port()
    command = [GUNICORN, "commonplace.wsgi", "--workers", str(WORKERS), "--threads"]
    command += [str(THREADS), "--bind", f"127.0.0.1:{port}", "--timeout", "600"]
    server = subprocess.Popen(command, cwd=app, env=env, stderr=subprocess.DEVNULL)
    hostile, health, stop = [], [], threading.Event()

    def timed(path: str) -> tuple[float, int]:
        started = time.perf_counter()
        try:
            status = Client(port).request("GET", path)[0]
        except OSError:
            status = 0
        return time.perf_counter() - started, status

    def attacker(offset: int) -> None:
        turn = offset
        while not stop.is_set():
            text = texts[turn % len(texts)]
            hostile.append(timed("/api/search?" + urllib.parse.urlencode({"q": text})))
            turn += 1

    try:
        wait_until_served(port, seconds=60)
        threads = [threading.Thread(target=attacker, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            health.append(timed("/healthz"))
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait()
    return {"clients": clients, "seconds": seconds, "hostile": hostile, "healthz": health}


# The kinds of query that took longest before any limit (see BENCHMARKS.md).
SLOWEST = {
    "fuzzy, large distance",
    "short prefixes, OR",
    "leading wildcard",
    "long OR chain, frequent",
    "everything",
}


def concurrent_report(results: dict) -> str:
    def line(name: str, pairs: list) -> str:
        seconds = sorted(elapsed for elapsed, _ in pairs)
        failed = Counter(status or "no answer" for _, status in pairs if status != 200)
        statuses = ", ".join(f"{n} × {status}" for status, n in failed.items()) or "0"
        if not seconds:
            return f"| {name} | 0 | | | | |"
        p50 = seconds[len(seconds) // 2]
        p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
        return (
            f"| {name} | {len(pairs)} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms "
            f"| {seconds[-1] * 1000:.0f} ms | {statuses} |"
        )

    return "\n".join(
        [
            f"{results['clients']} hostile clients for {results['seconds']:.0f} s, "
            f"gunicorn {WORKERS} workers × {THREADS} threads.",
            "",
            "| requests | count | p50 | p95 | worst | not 200 |",
            "| --- | --- | --- | --- | --- | --- |",
            line("hostile `/api/search`", results["hostile"]),
            line("`/healthz`, twice a second", results["healthz"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrent", type=int, default=0, help="hostile clients at once")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--app", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    prepare(data_dir, args.articles)
    if args.concurrent:
        results = concurrent(data_dir, args.concurrent, args.seconds, args.app.resolve())
        print(concurrent_report(results))
        return
    results = measure(data_dir, args.rounds)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "hostile.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(report(results))


if __name__ == "__main__":
    main()
