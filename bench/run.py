"""Measure ingest, indexing and search against bare Whoosh, side by side, in one run.

    .venv/bin/python bench/run.py [--articles 1000] [--repeat 3] [--rounds 30]

1. Ingest + index of a synthetic corpus (bench/generate.py) through `manage.py ingest`,
   against a bare Whoosh writer indexing the same paragraphs with the same schema and
   analyzers (the bare side is handed the paragraphs already parsed). Runs alternate,
   and medians are compared.
2. Peak memory of the ingest at a quarter, half and all of the corpus: flat in N means the
   corpus is streamed, not loaded whole.
3. /api/search latency through the whole Django stack (middleware, view, haystack,
   serializer), signed in as one of 10 readers who have annotated the archive (2,000
   annotations by default, half shared, tagged, indexed), against bare Whoosh parsing,
   searching and highlighting the same queries in the same index, interleaved query by
   query. p50 and p95 of each.

It prints a Markdown report and writes bench/out/results.json. Nothing here runs in the
test suite: speed is measured here, never asserted in a unit test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402
from bench.reporting import report, search_report  # noqa: E402

INGEST = """
import io, json, resource, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from archive.models import Paragraph
started = time.perf_counter()
call_command("ingest", sys.argv[1], "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "paragraphs": Paragraph.objects.count(),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    # The largest of the index's writing processes, when it writes in parallel.
    "writer_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""

BARE_WRITER = """
import json, resource, sys, time
from pathlib import Path
from whoosh.fields import ID, NUMERIC, STORED, Schema
from whoosh.index import create_in
from archive.readers.encoding import detect_encoding
from archive.readers.text import read_articles
from search.backends.whoosh.schema import shingle_field, text_field, unstemmed_field

documents = []
for path in sorted(Path(sys.argv[1]).rglob("*.txt")):
    with open(path, "rb") as stream:
        encoding = detect_encoding(stream)
    with open(path, "rb") as stream:
        for order, article in enumerate(read_articles(stream, encoding)):
            position = 0
            for section in article.sections:
                for paragraph in section.paragraphs:
                    position += 1
                    documents.append({
                        "id": f"{path.name}.{order}.{position}",
                        "text": paragraph.text,
                        "exact": paragraph.text,
                        "shingles": paragraph.text,
                        "article": f"{path.name}-{order}",
                        "article_title": article.title,
                        "section": str(section.number or "none"),
                        "author": article.author or "none",
                        "year": str(article.issue_date.year),
                        "position": position,
                    })
keyword = dict(stored=True, sortable=True)
schema = Schema(
    id=ID(stored=True, unique=True),
    text=text_field(stored=True),
    exact=unstemmed_field(stored=False),
    shingles=shingle_field(stored=False),
    article=ID(**keyword),
    article_title=STORED(),
    section=ID(**keyword),
    author=ID(**keyword),
    year=ID(**keyword),
    position=NUMERIC(numtype=int, bits=64, stored=True, sortable=True),
)
index_dir = Path(sys.argv[2])
index_dir.mkdir(parents=True)
started = time.perf_counter()
writer = create_in(str(index_dir), schema).writer(limitmb=256, procs=1)
for document in documents:
    writer.add_document(**document)
writer.commit()
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "paragraphs": len(documents),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

# Readers' annotations, as a deployment has them: spread over the archive, half shared,
# tagged, with notes in the corpus's words, indexed through the app's own queue. Searches
# are then made by one of these readers, who sees shared tags and notes and their own.
ANNOTATE = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
from annotations.models import Annotation, Tag, TaggedAnnotation
from archive.models import Paragraph
from search import indexing, outbox
from search.models import PendingIndexUpdate

def fill(count):
    users = [get_user_model().objects.create_user(f"reader{n}") for n in range(10)]
    audiences = ["shared"] + [f"user:{u.pk}" for u in users]  # each its own tags
    tags = {(a, n): Tag.objects.create(name=f"theme {n}", audience=a)
            for a in audiences for n in range(30)}
    paragraphs = list(Paragraph.objects.order_by("pk"))
    step = max(len(paragraphs) // count, 1)
    annotations = []
    for n in range(count):
        p = paragraphs[(n * step) % len(paragraphs)]
        start = (n * 7) % max(len(p.text) - 120, 1)
        end = min(start + 40, len(p.text))
        annotations.append(Annotation(
            owner=users[n % 10], article_id=p.article_id, start_paragraph=p, end_paragraph=p,
            start_offset=start, end_offset=end, quote=p.text[start:end],
            prefix=p.text[max(start - 32, 0):start], suffix=p.text[end:end + 32],
            note=p.text[end:end + 80], visibility="shared" if n % 2 else "private"))
    annotations = Annotation.objects.bulk_create(annotations, batch_size=1000)
    TaggedAnnotation.objects.bulk_create(
        [TaggedAnnotation(content_object_id=a.pk, tag=tags[
            "shared" if a.visibility == "shared" else f"user:{a.owner_id}", n % 30])
         for n, a in enumerate(annotations)], batch_size=1000)
    outbox.record(PendingIndexUpdate.Kind.ANNOTATION, [a.pk for a in annotations])
    outbox.record(PendingIndexUpdate.Kind.PARAGRAPH, [a.start_paragraph_id for a in annotations])
    indexing.flush()

if not Annotation.objects.exists():
    fill(int(sys.argv[1]))
print("{}")
"""
SEARCHER = "reader0"


def environment(data_dir: Path) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "COMMONPLACE_DATA_DIR": str(data_dir),
        "SECRET_KEY": "benchmark-only",
        "HTTPS": "0",  # the test client speaks plain http
        "DJANGO_SETTINGS_MODULE": "commonplace.settings",
        "PYTHONPATH": str(ROOT),
    }


def run_json(code: str, *args: str, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"benchmark step failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_ingest(corpus: Path, work: Path, repeat: int) -> tuple[dict, Path]:
    ours, bare = [], []
    data_dir = work
    for attempt in range(repeat):
        data_dir = work / f"data-{attempt}"
        ours.append(run_json(INGEST, str(corpus), env=environment(data_dir)))
        bare.append(
            run_json(BARE_WRITER, str(corpus), str(work / f"bare-{attempt}"), env=environment(work))
        )
        print(
            f"  run {attempt + 1}: ingest+index {ours[-1]['seconds']:.1f} s, "
            f"bare writer {bare[-1]['seconds']:.1f} s",
            file=sys.stderr,
        )
    ours_median = statistics.median(r["seconds"] for r in ours)
    bare_median = statistics.median(r["seconds"] for r in bare)
    return {
        "paragraphs": ours[0]["paragraphs"],
        "bare_paragraphs": bare[0]["paragraphs"],
        "ingest_seconds": [r["seconds"] for r in ours],
        "bare_seconds": [r["seconds"] for r in bare],
        "ingest_median": ours_median,
        "bare_median": bare_median,
        "ratio": ours_median / bare_median,
        "ingest_peak_rss_mb": max(r["peak_rss_mb"] for r in ours),
        "writer_peak_rss_mb": max(r["writer_peak_rss_mb"] for r in ours),
    }, data_dir


def bench_memory(articles: int, work: Path, ingest: dict) -> list[dict]:
    """Peak memory of an ingest of a quarter and a half of the corpus, beside the whole
    corpus's ingest measured above (not run a second time: at 4,000 articles that is
    twenty minutes)."""
    rows = []
    for share in (4, 2):
        count = articles // share
        corpus = work / f"corpus-{count}"
        if not corpus.exists():
            write_corpus(corpus, count)
        result = run_json(INGEST, str(corpus), env=environment(work / f"memory-{count}"))
        rows.append({"articles": count, **result})
        print(
            f"  {count} articles: peak {result['peak_rss_mb']:.0f} MB, "
            f"writing processes {result['writer_peak_rss_mb']:.0f} MB",
            file=sys.stderr,
        )
    whole = {
        "articles": articles,
        "paragraphs": ingest["paragraphs"],
        "peak_rss_mb": ingest["ingest_peak_rss_mb"],
        "writer_peak_rss_mb": ingest["writer_peak_rss_mb"],
    }
    return [*rows, whole]


def annotate(data_dir: Path, count: int) -> None:
    """Add `count` readers' annotations to an ingested data folder, unless it has some."""
    if count:
        run_json(ANNOTATE, str(count), env=environment(data_dir))


def bench_search(data_dir: Path, rounds: int) -> dict:
    os.environ.update(environment(data_dir))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from whoosh.index import open_dir

    from annotations.models import Annotation
    from search import syntax
    from search.backends.whoosh.compile import matched
    from search.backends.whoosh.schema import analyser

    client = Client()
    searcher_user = get_user_model().objects.filter(username=SEARCHER).first()
    if searcher_user:
        client.force_login(searcher_user)
    index = open_dir(str(data_dir / "whoosh"))
    searcher = index.searcher()
    parser = analyser(index.schema)
    queries = query_mix(searcher)

    def bare(text: str) -> None:
        query = matched(syntax.parse(text).tree, parser)  # Whoosh's own query, unexpanded
        results = searcher.search(query, limit=20, terms=True)
        len(results)
        for hit in results:
            hit.highlights("text")

    def django_stack(text: str) -> None:
        response = client.get("/api/search", {"q": text})
        assert response.status_code == 200, response.content

    timings: dict[str, dict[str, list[float]]] = {"django": {}, "bare": {}}
    for round_number in range(rounds + 1):
        for kind, text in queries:
            for name, call in (("django", django_stack), ("bare", bare)):
                started = time.perf_counter()
                call(text)
                elapsed = (time.perf_counter() - started) * 1000
                if round_number:  # the first round only warms caches
                    timings[name].setdefault(kind, []).append(elapsed)
    summary = {}
    for name, by_kind in timings.items():
        every = [t for values in by_kind.values() for t in values]
        summary[name] = {
            "p50": percentile(every, 0.5),
            "p95": percentile(every, 0.95),
            "by_kind": {k: percentile(v, 0.5) for k, v in by_kind.items()},
        }
    summary["queries"] = queries
    summary["p50_ratio"] = summary["django"]["p50"] / summary["bare"]["p50"]
    summary["documents"] = searcher.doc_count()
    summary["segments"] = len(searcher.reader().leaf_readers())
    summary["annotations"] = Annotation.objects.count()
    summary["signed_in"] = searcher_user is not None
    return summary


def query_mix(searcher) -> list[tuple[str, str]]:
    """Rare and frequent words, phrases, OR, prefix, fuzzy and a misspelling, picked from
    the index's own vocabulary so that every run asks the same questions."""
    total = searcher.doc_count()
    words = [
        (term.decode() if isinstance(term, bytes) else term, searcher.doc_frequency("exact", term))
        for term in searcher.lexicon("exact")
    ]
    words = [(w, f) for w, f in words if w.isalpha() and len(w) >= 6]
    uncommon = [w for w, f in words if 3 <= f <= 10]
    # Every 97th, as the first runs chose them; fewer such words in a larger archive.
    rare = uncommon[::97][:4] if len(uncommon) >= 4 * 97 else uncommon[:: len(uncommon) // 4][:4]
    frequent = [w for w, f in words if total * 0.03 <= f <= total * 0.3][:4]
    mix = [("rare word", w) for w in rare] + [("frequent word", w) for w in frequent]
    mix += [("phrase", f'"{a} {b}"') for a, b in zip(frequent[:2], frequent[2:4], strict=True)]
    mix += [("phrase", '"prawn cocktail"'), ("phrase", '"the labour party"')]
    mix += [("or", f"{rare[0]} OR {rare[1]}"), ("or", f"{frequent[0]} OR {rare[2]}")]
    mix += [("prefix", frequent[0][:4] + "*"), ("prefix", rare[3][:5] + "*")]
    mix += [("fuzzy", frequent[1][:-1] + "~"), ("fuzzy", rare[1][1:] + "~")]
    mix += [("misspelling", frequent[2][:3] + frequent[2][4:])]
    return mix


@contextmanager
def _work_folder(kept: Path | None) -> Iterator[Path]:
    if kept is None:
        with tempfile.TemporaryDirectory(prefix="commonplace-bench-") as name:
            yield Path(name)
        return
    kept.mkdir(parents=True, exist_ok=True)
    if any(kept.iterdir()):
        raise SystemExit(f"{kept} is not empty")
    yield kept.resolve()


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark Commonplace against bare Whoosh.")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="ingest runs of each side")
    parser.add_argument("--rounds", type=int, default=30, help="rounds of the query mix")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--annotations",
        type=int,
        default=2000,
        help="readers' annotations added before the search is measured (0 for none)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="an empty folder to work in and keep (the last ingest's data is data-N in it, "
        "for bench/hostile.py --data-dir); a temporary one otherwise",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="measure search alone, against the index of an earlier ingest in this folder",
    )
    args = parser.parse_args()
    if args.data_dir:
        annotate(args.data_dir.resolve(), args.annotations)
        search = bench_search(args.data_dir.resolve(), args.rounds)
        print(search_report(args, search))
        return
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    with _work_folder(args.work) as work:
        corpus = work / f"corpus-{args.articles}"
        write_corpus(corpus, args.articles)
        print("Ingest + index against a bare Whoosh writer:", file=sys.stderr)
        ingest, data_dir = bench_ingest(corpus, work, args.repeat)
        memory = [] if args.skip_memory else bench_memory(args.articles, work, ingest)
        print("Search latency:", file=sys.stderr)
        annotate(data_dir, args.annotations)
        search = bench_search(data_dir, args.rounds)
    results = {"ingest": ingest, "memory": memory, "search": search}
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(report(args, ingest, memory, search))


if __name__ == "__main__":
    main()
