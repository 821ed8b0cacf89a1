"""Ingest in each format: the same synthetic articles as clippings text, saved web pages
and Nexis Uni Word exports, read alone (the reader, no database) and ingested whole
(`manage.py ingest`: reader, database, index), in one run.

    .venv/bin/python bench/formats.py --articles 500 [--repeat 3]

The articles are bench/generate.py's, parsed back from its text; each is then written as
a news page (navigation, byline, <time>, <h2> sections, comments) and into Word exports
of 50 articles in the layout Nexis Uni writes. Medians of --repeat runs; figures for
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

from bench.generate import write_corpus
from bench.run import INGEST, environment, run_json

PER_DOCX = 50


def parsed_articles(text_folder: Path) -> list:
    from archive import parsing

    articles = []
    for path in sorted(text_folder.glob("*.txt")):
        articles += parsing.parse_text(path.read_text(encoding="utf-8"))
    return articles


def page(article) -> str:
    """A news page around the article, with the furniture a saved page has."""
    escape = html.escape
    body = []
    for section in article.sections:
        if section.title:
            body.append(f"<h2>{escape(section.title)}</h2>")
        body += [f"<p>{escape(p.text)}</p>" for p in section.paragraphs]
    comments = "".join(
        f'<li class="comment"><p>Reader {n} says: I disagree with this.</p></li>' for n in range(5)
    )
    day = article.issue_date.isoformat() if article.issue_date else "2020-01-01"
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>{escape(article.title)} | The Bench Times</title>
<meta property="og:site_name" content="The Bench Times">
<meta name="author" content="{escape(article.author or "Staff Writer")}">
<meta property="article:published_time" content="{day}T09:00:00Z">
<link rel="canonical" href="https://bench.example/{abs(hash(article.title))}">
</head><body><nav><a href="/">Home</a> <a href="/politics">Politics</a></nav>
<div class="advert">Advertisement</div><article><h1>{escape(article.title)}</h1>
<p class="standfirst">{escape(article.standfirst)}</p>
<p class="byline">By {escape(article.author or "Staff Writer")}</p>
<time datetime="{day}">{day}</time>{"".join(body)}</article>
<section id="comments"><ol>{comments}</ol></section>
<footer>© The Bench Times</footer></body></html>"""


def nexis_export(articles, path: Path) -> None:
    import docx

    document = docx.Document()
    for article in articles:
        day = article.issue_date
        for line in [
            article.title,
            "The Bench Times",
            f"{day:%B} {day.day}, {day.year} {day:%A}" if day else "",
            "Copyright 2020 The Bench Times All Rights Reserved",
            "Section: POLITICS; Pg. 4",
            f"Length: {sum(len(p.text.split()) for p in article.paragraphs)} words",
            f"Byline: {article.author}" if article.author else "",
            "Body",
            *(p.text for p in article.paragraphs),
            "Classification",
            "Language: ENGLISH",
            "Publication-Type: Newspaper",
            "Load-Date: January 2, 2021",
            "End of Document",
        ]:
            if line:
                document.add_paragraph(line)
    document.save(str(path))


def write_formats(work: Path, count: int) -> dict[str, Path]:
    text = work / "text"
    write_corpus(text, count)
    articles = parsed_articles(text)
    pages, exports = work / "html", work / "docx"
    pages.mkdir()
    exports.mkdir()
    for number, article in enumerate(articles):
        (pages / f"article-{number:05d}.html").write_text(page(article), encoding="utf-8")
    for first in range(0, len(articles), PER_DOCX):
        nexis_export(articles[first : first + PER_DOCX], exports / f"export-{first:05d}.docx")
    return {"text": text, "html": pages, "docx": exports}


@contextmanager
def prepared(prefix: str, count: int) -> Iterator[tuple[Path, dict[str, Path]]]:
    """A work folder holding the articles in each format, with Django set up in it."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        work = Path(folder)
        os.environ.update(environment(work / "setup"))
        django.setup()
        yield work, write_formats(work, count)


def read_alone(folder: Path) -> tuple[float, int]:
    """Seconds to read every file of the folder with its reader, and the articles read."""
    from archive import readers

    started, count = time.perf_counter(), 0
    for path in sorted(folder.iterdir()):
        reading = readers.reader_for(path).open(path)
        count += sum(1 for _ in reading.articles(None))
    return time.perf_counter() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with prepared("commonplace-formats-", args.articles) as (work, folders):
        print(
            "| format | files | MB | read alone, ms an article | ingest + index, s | "
            "ms an article | ingest peak RSS, MB |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, source in folders.items():
            files = sorted(source.iterdir())
            size = sum(f.stat().st_size for f in files) / 1e6
            reads = [read_alone(source) for _ in range(args.repeat)]
            read_ms = statistics.median(s for s, _ in reads) * 1000 / reads[0][1]
            runs = [
                run_json(INGEST, str(source), env=environment(work / f"{name}-{n}"))
                for n in range(args.repeat)
            ]
            seconds = statistics.median(r["seconds"] for r in runs)
            print(
                f"| {name} | {len(files)} | {size:.1f} | {read_ms:.1f} | {seconds:.1f} | "
                f"{seconds * 1000 / reads[0][1]:.1f} | {max(r['peak_rss_mb'] for r in runs):.0f} |"
            )


if __name__ == "__main__":
    main()
