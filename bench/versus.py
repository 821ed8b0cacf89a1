"""This checkout against an earlier commit, side by side: bench/run.py in each, in turns.

    .venv/bin/python bench/versus.py BASE [--articles 200] [--rounds 10] [--turns 3]

BASE is checked out in a temporary git worktree; each turn runs bench/run.py there and
here, one after the other, so that both sides meet the same noise. Medians over the turns
are compared, and each side is also set against the bare Whoosh it measured in the same
run, which cancels most of what the shared machine adds. Prints a Markdown report.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_bench(checkout: Path, args) -> dict:
    command = [
        sys.executable,
        "bench/run.py",
        f"--articles={args.articles}",
        "--repeat=1",
        f"--rounds={args.rounds}",
        "--skip-memory",
    ]
    subprocess.run(command, cwd=checkout, check=True, stdout=subprocess.DEVNULL)
    results = json.loads((checkout / "bench" / "out" / "results.json").read_text())
    return {
        "ingest": results["ingest"]["ingest_median"],
        "ingest vs bare": results["ingest"]["ratio"],
        "search p50": results["search"]["django"]["p50"],
        "search p95": results["search"]["django"]["p95"],
        "search p50 vs bare": results["search"]["p50_ratio"],
    }


def compare(base: Path, args) -> dict[str, dict[str, list[float]]]:
    runs: dict[str, dict[str, list[float]]] = {"base": {}, "head": {}}
    for turn in range(args.turns):
        for side, checkout in (("base", base), ("head", ROOT)):
            print(f"turn {turn + 1}/{args.turns}: {side}", file=sys.stderr)
            for name, value in run_bench(checkout, args).items():
                runs[side].setdefault(name, []).append(value)
    return runs


def report(args, runs: dict) -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"Command: `.venv/bin/python bench/versus.py {args.base} --articles {args.articles} "
        f"--rounds {args.rounds} --turns {args.turns}` (head {head})",
        "",
        f"| median of {args.turns} turns | base {args.base} | head | head / base |",
        "| --- | --- | --- | --- |",
    ]
    for name in runs["base"]:
        before, after = (statistics.median(runs[side][name]) for side in ("base", "head"))
        unit = "×" if "vs bare" in name else (" s" if name == "ingest" else " ms")
        lines.append(
            f"| {name} | {before:.2f}{unit} | {after:.2f}{unit} | **{after / before:.3f}** |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the commit to compare against")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="commonplace-versus-") as work:
        base = Path(work) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.base],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            runs = compare(base, args)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)
    print(report(args, runs))


if __name__ == "__main__":
    main()
