"""Saved web pages for the HTML reader's tests: the hand-written layouts in
tests/fixtures/pages/, and a small page made to order."""

from pathlib import Path

from archive import readers
from archive.parsing import ParsedArticle

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
LEDGER = PAGES / "ledger-byline.html"
REVIEW = PAGES / "review-meta.html"
NOTES = PAGES / "notes-jsonld.html"
HOSTILE = PAGES / "hostile.html"

PROSE = "A sentence of ordinary prose, long enough for the extractor to take it as text."


def read(path: Path) -> ParsedArticle:
    reading = readers.reader_for(path).open(path)
    (article,) = reading.articles(None)
    return article


def page(body: str, head: str = "<title>A page</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"
