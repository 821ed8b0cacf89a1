"""Time the pages that grow with annotations: the reader, the lists of annotations and tags.

    .venv/bin/python bench/pages.py [--annotations 100000] [--rounds 20] [--articles 20]
                                    [--data-dir DIR] [--database-url URL]

1. Fill (in its own process): a scratch data directory (COMMONPLACE_DATA_DIR; SQLite
   unless --database-url) gets the bundled corpus and a synthetic one (bench/generate.py,
   --articles), 10 readers with 30 tags in each audience, and N annotations in bulk: 500
   on the Momentum article, all of them visible to reader0 (its own, private and shared,
   and the others' shared ones), the rest spread over every other paragraph, half shared,
   one or two tags each, one in a hundred orphaned. The annotations are not indexed:
   none of these pages searches (the reader marks a query's words itself). A --data-dir
   that already holds annotations is timed as it is.
2. Time (in its own process): each page through Django's test client, signed in as
   reader0, over R rounds after one warm-up round; p50 and p95 of the server time (the
   whole Django stack, from request to rendered response), and the queries each asked.

It prints a Markdown table. Speed is measured here, never asserted in a unit test;
tests/annotations/test_page_queries.py asserts that the number of queries stays fixed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402
from bench.run import percentile, run_json  # noqa: E402

READER_ARTICLE = "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"
ON_READER_ARTICLE = 500
SIGNED_IN = "reader0"

FILL = """
import io, json, sys, time
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from annotations.models import Annotation, Tag, TaggedAnnotation
from archive.models import Paragraph

count, reader_slug, on_reader = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
call_command("migrate", verbosity=0)
if Annotation.objects.exists():
    print(json.dumps({"annotations": Annotation.objects.count(), "seconds": 0}))
    raise SystemExit
started = time.perf_counter()
call_command("ingest", *sys.argv[4:], "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
users = [get_user_model().objects.create_user(f"reader{n}") for n in range(10)]
audiences = ["shared"] + [f"user:{u.pk}" for u in users]  # each audience its own tags
tags = {(a, n): Tag.objects.create(name=f"theme {n}", audience=a)
        for a in audiences for n in range(30)}
on_article = list(Paragraph.objects.filter(article__slug=reader_slug).order_by("position"))
elsewhere = list(Paragraph.objects.exclude(article__slug=reader_slug).order_by("pk"))

def annotation(n, p, owner, visibility):
    start = (n * 7) % max(len(p.text) - 120, 1)
    end = min(start + 40, len(p.text))
    made = Annotation(
        owner=owner, article_id=p.article_id, start_paragraph=p, end_paragraph=p,
        start_offset=start, end_offset=end, quote=p.text[start:end],
        prefix=p.text[max(start - 32, 0):start], suffix=p.text[end:end + 32],
        note=f"Note {n}: *why* this passage matters.", note_html="<p>Note</p>",
        visibility=visibility)
    if n % 100 == 99:
        made.anchor, made.start_paragraph, made.end_paragraph = "orphaned", None, None
    return made

made = []
for n in range(count):
    if n < on_reader:  # reader0's own (one in ten private) and the others' shared ones
        owner = users[n % 10]
        private = owner is users[0] and n % 20 == 0
        made.append(annotation(n, on_article[n % len(on_article)], owner,
                               "private" if private else "shared"))
    else:
        made.append(annotation(n, elsewhere[n % len(elsewhere)], users[n % 10],
                               "shared" if n % 2 else "private"))
made = Annotation.objects.bulk_create(made, batch_size=2000)

def audience(a):
    return "shared" if a.visibility == "shared" else f"user:{a.owner_id}"

taggings = [TaggedAnnotation(content_object_id=a.pk, tag=tags[audience(a), n % 30])
            for n, a in enumerate(made)]
taggings += [TaggedAnnotation(content_object_id=a.pk, tag=tags[audience(a), (n * 7 + 1) % 30])
             for n, a in enumerate(made) if n % 3 == 0]
TaggedAnnotation.objects.bulk_create(taggings, batch_size=5000)
print(json.dumps({"annotations": len(made), "seconds": time.perf_counter() - started}))
"""

TIME = """
import json, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

rounds, user, urls = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
client = Client()
client.force_login(get_user_model().objects.get(username=user))
timings = {url: [] for url in urls}
queries = {}
for url in urls:  # a warm-up round, which also counts each page's queries
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    queries[url] = len(captured)
for _ in range(rounds):
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings[url].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
print(json.dumps({"timings": timings, "queries": queries}))
"""


def environment(data_dir: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        COMMONPLACE_DATA_DIR=str(data_dir),
        SECRET_KEY="benchmark-only",
        HTTPS="0",  # the test client speaks plain http
        DJANGO_SETTINGS_MODULE="commonplace.settings",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def pages() -> list[tuple[str, str]]:
    """(what, URL) for each page timed."""
    return [
        (f"reader, {ON_READER_ARTICLE} annotations", f"/articles/{READER_ARTICLE}/"),
        ("`/annotations/`", "/annotations/"),
        ("`/annotations/?tag=theme-1`", "/annotations/?tag=theme-1"),
        ("`/annotations/?q=matters`", "/annotations/?q=matters"),
        ("`/tags/`", "/tags/"),
        ("`/tags/theme-1/`", "/tags/theme-1/"),
        ("`/api/annotations`", "/api/annotations"),
        ("`/api/tags`", "/api/tags"),
    ]


def fill(data_dir: Path, args, env: dict) -> dict:
    corpus = data_dir / "synthetic-corpus"
    if not corpus.exists():
        write_corpus(corpus, args.articles)
    sources = [str(ROOT / "corpus"), str(corpus)]
    count = str(args.annotations)
    return run_json(FILL, count, READER_ARTICLE, str(ON_READER_ARTICLE), *sources, env=env)


def report(args, filled: dict, measured: dict) -> str:
    database = "PostgreSQL" if args.database_url else "SQLite"
    lines = [
        f"Command: `.venv/bin/python bench/pages.py --annotations {args.annotations} "
        f"--rounds {args.rounds} --articles {args.articles}`",
        "",
        f"{filled['annotations']:,} annotations on {database}, signed in as {SIGNED_IN}; "
        f"server time through Django's test client over {args.rounds} rounds.",
        "",
        "| page | p50 | p95 | queries |",
        "| --- | --- | --- | --- |",
    ]
    for what, url in pages():
        times = measured["timings"][url]
        lines.append(
            f"| {what} | {percentile(times, 0.5):.1f} ms | {percentile(times, 0.95):.1f} ms "
            f"| {measured['queries'][url]} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--articles", type=int, default=20, help="synthetic articles")
    parser.add_argument("--data-dir", type=Path, help="kept, and timed again if filled")
    parser.add_argument("--database-url", help="PostgreSQL, say; SQLite in the data dir if not")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="commonplace-pages-") as work:
        data_dir = (args.data_dir or Path(work)).resolve()
        env = environment(data_dir, args.database_url)
        print(f"Filling {args.annotations:,} annotations...", file=sys.stderr)
        filled = fill(data_dir, args, env)
        print(f"  filled in {filled['seconds']:.1f} s; timing...", file=sys.stderr)
        urls = [url for _, url in pages()]
        measured = run_json(TIME, str(args.rounds), SIGNED_IN, *urls, env=env)
    print(report(args, filled, measured))


if __name__ == "__main__":
    main()
