"""Measure that exports stream: peak memory should not grow with the number exported.

    .venv/bin/python bench/export.py [--counts 10000 100000]

For each count, a fresh data directory gets the bundled corpus and that many tagged
annotations; then each streamed format is exported by `manage.py export_annotations`
in its own process, which reports its peak memory (RSS), its time and its CPU time (the
fairer figure on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "json", "jsonld", "md")

FILL = """
import sys, django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
call_command("migrate", verbosity=0)
call_command("ingest", sys.argv[1], "--no-progress", stdout=open("/dev/null", "w"))
from annotations.models import Annotation, Tag, TaggedAnnotation
from archive.models import Paragraph
count = int(sys.argv[2])
users = [get_user_model().objects.create_user(f"reader{n}") for n in range(10)]
# Each audience has its own tags (annotations.tagging): 30 themes in each.
audiences = ["shared"] + [f"user:{u.pk}" for u in users]
tags = {(a, n): Tag.objects.create(name=f"theme {n}", audience=a)
        for a in audiences for n in range(30)}
paragraphs = list(Paragraph.objects.all())
batch = []
for n in range(count):
    p = paragraphs[n % len(paragraphs)]
    start = (n * 7) % max(len(p.text) - 40, 1)
    batch.append(Annotation(
        owner=users[n % 10], article_id=p.article_id, start_paragraph=p, end_paragraph=p,
        start_offset=start, end_offset=start + 40, quote=p.text[start:start + 40],
        prefix=p.text[max(start - 32, 0):start], suffix=p.text[start + 40:start + 72],
        note=f"Note {n}: *why* this passage matters.", note_html="<p>Note</p>",
        visibility="shared" if n % 2 else "private"))
    if len(batch) == 5000:
        Annotation.objects.bulk_create(batch); batch = []
Annotation.objects.bulk_create(batch)
ids = list(Annotation.objects.values_list("pk", flat=True))
TaggedAnnotation.objects.bulk_create(
    [TaggedAnnotation(content_object_id=pk, tag=tags[audience, pk % 30])
     for pk, audience in Annotation.objects.values_list("pk", "audience")], batch_size=5000)
"""

EXPORT = """
import io, json, resource, sys, time, django
django.setup()
from django.core.management import call_command
started, cpu_started = time.perf_counter(), time.process_time()
call_command("export_annotations", "--format", sys.argv[1], "-o", sys.argv[2],
             stderr=io.StringIO())
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - started,
                  "cpu_seconds": time.process_time() - cpu_started,
                  "peak_rss_mb": usage.ru_maxrss / 1024}))
"""


def run(code: str, *args: str, data_dir: Path) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "COMMONPLACE_DATA_DIR": str(data_dir),
        "SECRET_KEY": "benchmark-only",
        "DJANGO_SETTINGS_MODULE": "commonplace.settings",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="commonplace-export-") as work:
        for count in args.counts:
            data_dir = Path(work) / f"data-{count}"
            print(f"Filling {count:,} annotations...", file=sys.stderr)
            run(FILL, str(ROOT / "corpus"), str(count), data_dir=data_dir)
            for name in FORMATS:
                out = Path(work) / f"export-{count}.{name}"
                result = json.loads(run(EXPORT, name, str(out), data_dir=data_dir).splitlines()[-1])
                rows.append((count, name, result, out.stat().st_size))
                print(
                    f"  {name}: {result['peak_rss_mb']:.0f} MB, {result['seconds']:.1f} s, "
                    f"{result['cpu_seconds']:.1f} s CPU",
                    file=sys.stderr,
                )
    print(
        f"Command: `.venv/bin/python bench/export.py --counts {' '.join(map(str, args.counts))}`\n"
    )
    print("| annotations | format | file | time | CPU | peak RSS |")
    print("| --- | --- | --- | --- | --- | --- |")
    for count, name, result, size in rows:
        print(
            f"| {count:,} | {name} | {size / 1e6:.1f} MB | {result['seconds']:.1f} s | "
            f"{result['cpu_seconds']:.1f} s | {result['peak_rss_mb']:.0f} MB |"
        )


if __name__ == "__main__":
    main()
