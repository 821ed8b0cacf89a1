"""What a note says stays inside the note: no formula in a spreadsheet, no heading,
blockquote, citation, script link or remote image in a commonplace book. Each export is
read back with a real parser (csv, markdown-it-py, python-docx)."""

import csv
import io

import pytest
from django.core.management import call_command

from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_annotations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# CSV --------------------------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    " =1+1",  # a space
    "   @SUM(A1)",
    "\n=1+1",  # a line break
    "\r\n-1",
    "\u00a0=1+1",  # a no-break space
    "\u200b=1+1",  # a zero-width space
    "\ufeff+1",  # a byte order mark, invisible
    "\u2028=1",  # a line separator
    "\u3000=1",  # an ideographic space
    "\x0b\x0c=1",  # vertical tab, form feed
    "\t",
    "\ttab first",
    "\rreturn first",
    "＝1+1",  # full-width equals
]
HARMLESS = ["Plain words", "a = b", " words first", "'quoted", "", "\u200bword"]


def test_no_csv_cell_can_start_a_formula(users):
    for note in FORMULAS + HARMLESS:
        annotate(users.owner, "Trots?", note=note)
    annotate(users.owner, "Sabotage", tags=["\u200b=cmd()", " +tag"])
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv").removeprefix("\ufeff"))))
    notes = [row["note"] for row in rows if row["quote"] == "Trots?"]
    assert sorted(notes) == sorted(["'" + note for note in FORMULAS] + HARMLESS)
    tags = next(row["tags"] for row in rows if row["quote"] == "Sabotage")
    assert tags == "' +tag; \u200b=cmd()"  # one cell: only its start matters
