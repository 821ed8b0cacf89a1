"""Time hostile queries through the app's real search path: no single one may hold it.

    .venv/bin/python bench/hostile.py --data-dir DIR [--articles 1000] [--rounds 5]

DIR is the data folder of an earlier `bench/run.py` ingest, or an empty folder: then a
synthetic archive (bench/generate.py) is generated, ingested and annotated there first
(about 8 minutes for 1,000 articles; kept for the next run). Each query goes through
`GET /api/search` with Django's test client, as an anonymous visitor: session, parse,
search, 20 highlighted hits, facets, notes, "did you mean". Each query runs `--rounds`
times after one warm-up; the median and the worst are reported, with the count and the
messages the answer carried. The target: the worst under 1 s at 40,000 paragraphs.

The queries are built from the index's own vocabulary, so every run asks the same.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    prepare(data_dir, args.articles)
    results = measure(data_dir, args.rounds)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "hostile.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(report(results))


if __name__ == "__main__":
    main()
