"""CSV for spreadsheets: one row an annotation, no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator

from annotations.formats.base import Exporter, chunked, section_label, tag_names
from annotations.models import Annotation

CSV_COLUMNS = [
    "quote",
    "note",
    "tags",
    "article",
    "section",
    "paragraph",
    "end_paragraph",  # where a passage that runs on ends; the paragraph's own if not
    "author",
    "publication",
    "issue_date",
    "annotator",
    "visibility",
    "created",
    "modified",
    "link",
    "permalink",  # its stable address, by uid
    "original_passage_url",  # the passage in the page the article first appeared on
]
# Spreadsheets run a cell as a formula when its first visible character is one of these,
# and they skip spaces, line breaks and invisible characters to find it.
_FORMULA_START = frozenset("=+-@")
_INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})  # Unicode spaces, controls, formats


class _Echo:
    """A file that hands back what is written to it, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


class CsvExporter(Exporter):
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def chunks(self) -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff"  # the BOM tells spreadsheets the file is UTF-8
        yield writer.writerow(CSV_COLUMNS)
        for annotation in chunked(self.annotations):
            yield writer.writerow([_cell(value) for value in self.row(annotation)])

    def row(self, annotation: Annotation) -> list:
        article = annotation.article
        paragraph, end = annotation.start_paragraph, annotation.end_paragraph
        return [
            annotation.quote,
            annotation.note,
            "; ".join(tag_names(annotation)),
            article.title,
            section_label(annotation),
            paragraph.position if paragraph else "",
            end.position if end else "",
            article.author,
            article.publication,
            article.issue_date.isoformat() if article.issue_date else "",
            annotation.owner.username,
            annotation.visibility,
            annotation.created.isoformat(),
            annotation.modified.isoformat(),
            self.links.reader(annotation),
            self.links.permalink(annotation),
            self.links.original_passage(annotation),
        ]


def _cell(value):
    """The value, made inert with a leading ' if a spreadsheet could run it as a formula."""
    return "'" + value if isinstance(value, str) and _could_be_formula(value) else value


def _could_be_formula(text: str) -> bool:
    if text.startswith(("\t", "\r")):
        return True
    visible = next((c for c in text if unicodedata.category(c) not in _INVISIBLE), "")
    # NFKC: a full-width ＝ or a small ﹢ is read as the plain sign by some spreadsheets.
    return unicodedata.normalize("NFKC", visible)[:1] in _FORMULA_START
