"""The Markdown report of bench/run.py's measurements."""

from __future__ import annotations


def report(args, ingest: dict, memory: list[dict], search: dict) -> str:
    lines = [
        f"Command: `.venv/bin/python bench/run.py --articles {args.articles} "
        f"--repeat {args.repeat} --rounds {args.rounds}`",
        "",
        f"### Ingest + index: {args.articles:,} articles, {ingest['paragraphs']:,} paragraphs",
        "",
        "| | median | runs |",
        "| --- | --- | --- |",
        f"| `manage.py ingest` (parse, store, index) | {ingest['ingest_median']:.1f} s | "
        + ", ".join(f"{s:.1f}" for s in ingest["ingest_seconds"])
        + " |",
        "| bare Whoosh writer, same schema (paragraphs pre-parsed) | "
        f"{ingest['bare_median']:.1f} s | "
        + ", ".join(f"{s:.1f}" for s in ingest["bare_seconds"])
        + " |",
        f"| **ratio** | **{ingest['ratio']:.2f}×** | target ≤ 1.0× |",
        "",
        "### Peak memory of the ingest",
        "",
        "| articles | paragraphs | peak RSS | largest writing process |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {row['articles']:,} | {row['paragraphs']:,} | {row['peak_rss_mb']:.0f} MB "
        f"| {row.get('writer_peak_rss_mb', 0):.0f} MB |"
        for row in memory
    ]
    return "\n".join(lines) + "\n\n" + search_report(args, search)


def search_report(args, search: dict) -> str:
    lines = [
        f"### Search latency ({search['documents']:,} documents, of which "
        f"{search['annotations']:,} annotations, in {search.get('segments', '?')} segments; "
        f"{len(search['queries'])} queries"
        f" × {args.rounds} rounds, {'signed in' if search['signed_in'] else 'anonymous'})",
        "",
        "| | p50 | p95 |",
        "| --- | --- | --- |",
        f"| `/api/search` through Django | {search['django']['p50']:.1f} ms | "
        f"{search['django']['p95']:.1f} ms |",
        f"| bare Whoosh parse + search + highlight | {search['bare']['p50']:.1f} ms | "
        f"{search['bare']['p95']:.1f} ms |",
        f"| **p50 ratio** | **{search['p50_ratio']:.2f}×** | target ≤ 1.2×, p95 < 150 ms |",
        "",
        "| query kind | Django p50 | bare p50 |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {kind} | {search['django']['by_kind'][kind]:.1f} ms | "
        f"{search['bare']['by_kind'][kind]:.1f} ms |"
        for kind in search["django"]["by_kind"]
    ]
    lines += ["", "Queries: " + ", ".join(f"`{text}`" for _, text in search["queries"])]
    return "\n".join(lines)
