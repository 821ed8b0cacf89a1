"""The upload path beside the command line, in one run: the same files ingested by
`manage.py ingest` and added through /articles/add/ (sent, read into a preview,
confirmed, stored: each step timed), each into a fresh data folder.

    .venv/bin/python bench/uploads.py --articles 400 [--repeat 3]

The files are bench/formats.py's saved news pages (one article each) and Nexis Uni Word
exports (50 articles each). The upload runs in one process as the upload worker runs it:
the request through Django's test client, then the jobs. Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.formats import prepared
from bench.run import INGEST, environment, run_json

UPLOAD = """
import json, resource, sys, time
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from archive.models import Paragraph, Upload
from commonplace import upload_jobs
user = get_user_model().objects.create_user("bench", is_staff=True)
client = Client()
client.force_login(user)
files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in sorted(Path(sys.argv[1]).iterdir())]
timings = {}
started = time.perf_counter()
response = client.post("/articles/add/", {"files": files})
assert response.status_code == 302, response.content[:500]
timings["send"] = time.perf_counter() - started
mark = time.perf_counter()
assert upload_jobs.run_pending() == (1, False)
timings["read"] = time.perf_counter() - mark
upload = Upload.objects.get()
assert upload.state == "previewed", (upload.state, upload.error)
articles = sum(len(f["articles"]) for f in upload.preview)
mark = time.perf_counter()
page = client.get(upload.get_absolute_url())
assert page.status_code == 200
timings["preview_page"] = time.perf_counter() - mark
client.post(f"/articles/add/{upload.uid}/confirm/")
mark = time.perf_counter()
assert upload_jobs.run_pending() == (1, False)
timings["store"] = time.perf_counter() - mark
timings["seconds"] = time.perf_counter() - started
upload.refresh_from_db()
assert upload.state == "stored", (upload.state, upload.error)
print(json.dumps({
    **timings,
    "articles": articles,
    "paragraphs": Paragraph.objects.count(),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def as_worker(env: dict) -> dict:
    """The jobs run by this process, as the upload worker runs them, not in a thread."""
    return {**env, "UPLOAD_JOBS": "worker"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with prepared("commonplace-uploads-", args.articles) as (work, folders):
        print(
            "| format | files | way in | send, s | read, s | preview page, ms | store, s | "
            "all, s | ratio | peak RSS, MB |"
        )
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name in ("html", "docx"):
            source = folders[name]
            files = len(list(source.iterdir()))
            ingests = [
                run_json(INGEST, str(source), env=environment(work / f"{name}-cli-{n}"))
                for n in range(args.repeat)
            ]
            uploads = [
                run_json(UPLOAD, str(source), env=as_worker(environment(work / f"{name}-up-{n}")))
                for n in range(args.repeat)
            ]
            assert {u["paragraphs"] for u in uploads} == {i["paragraphs"] for i in ingests}
            cli = statistics.median(r["seconds"] for r in ingests)
            cli_rss = max(r["peak_rss_mb"] for r in ingests)
            print(f"| {name} | {files} | ingest | | | | | {cli:.1f} | 1.00 | {cli_rss:.0f} |")

            def median(key: str, runs: list[dict] = uploads) -> float:
                return statistics.median(run[key] for run in runs)

            print(
                f"| {name} | {files} | upload | {median('send'):.1f} | {median('read'):.1f} | "
                f"{median('preview_page') * 1000:.0f} | {median('store'):.1f} | "
                f"{median('seconds'):.1f} | {median('seconds') / cli:.2f} | "
                f"{max(u['peak_rss_mb'] for u in uploads):.0f} |"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
