"""This checkout against an earlier commit, side by side: bench/run.py in each, in turns.

    .venv/bin/python bench/versus.py BASE [--articles 200] [--rounds 10] [--turns 3]

BASE is checked out in a temporary git worktree; each turn runs bench/run.py there and
here, one after the other, so that both sides meet the same noise. Medians over the turns
are compared, and each side is also set against the bare Whoosh it measured in the same
run, which cancels most of what the shared machine adds. Prints a Markdown report.

With --search-only each side ingests and annotates the corpus once, with its own code,
and the turns then time only the searches, each side on a fresh copy of its own index:
many more turns in the same time, and no ingest's after-effects (page cache, a busy
disk) in the search figures, which moved search p50 by up to a fifth between turns.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402


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


# Run in a side's checkout, with that side's own bench.run: ingest and annotate once.
PREPARE = """
import sys
from pathlib import Path
sys.path.insert(0, ".")
from bench import run
corpus, data = Path(sys.argv[1]), Path(sys.argv[2])
run.run_json(run.INGEST, str(corpus), env=run.environment(data))
run.annotate(data, 2000)
"""
# ... and time its searches on a copy of that index.
SEARCH = """
import json, sys
from pathlib import Path
sys.path.insert(0, ".")
from bench import run
search = run.bench_search(Path(sys.argv[1]), int(sys.argv[2]))
print(json.dumps({name: search[name] for name in ("django", "bare", "p50_ratio")}))
"""


def run_search(checkout: Path, data: Path, work: Path, args) -> dict:
    copy = work / "searched"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(data, copy)
    command = [sys.executable, "-c", SEARCH, str(copy), str(args.rounds)]
    result = subprocess.run(command, cwd=checkout, check=True, capture_output=True, text=True)
    search = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "search p50": search["django"]["p50"],
        "search p95": search["django"]["p95"],
        "search p50 vs bare": search["p50_ratio"],
        **{f"{kind} p50": p50 for kind, p50 in search["django"]["by_kind"].items()},
    }


def compare(base: Path, args, work: Path) -> dict[str, dict[str, list[float]]]:
    sides = (("base", base), ("head", ROOT))
    runs: dict[str, dict[str, list[float]]] = {"base": {}, "head": {}}
    if args.search_only:
        corpus = work / "corpus"
        write_corpus(corpus, args.articles)
        for side, checkout in sides:
            print(f"{side}: ingest and annotate", file=sys.stderr)
            command = [sys.executable, "-c", PREPARE, str(corpus), str(work / side)]
            subprocess.run(command, cwd=checkout, check=True, capture_output=True)
    for turn in range(args.turns):
        for side, checkout in sides:
            print(f"turn {turn + 1}/{args.turns}: {side}", file=sys.stderr)
            if args.search_only:
                measured = run_search(checkout, work / side, work, args)
            else:
                measured = run_bench(checkout, args)
            for name, value in measured.items():
                runs[side].setdefault(name, []).append(value)
    return runs


def report(args, runs: dict) -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"Command: `.venv/bin/python bench/versus.py {args.base} --articles {args.articles} "
        f"--rounds {args.rounds} --turns {args.turns}"
        f"{' --search-only' if args.search_only else ''}` (head {head})",
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
    parser.add_argument("--search-only", action="store_true", help="see above")
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
            runs = compare(base, args, Path(work))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)
    print(report(args, runs))


if __name__ == "__main__":
    main()
