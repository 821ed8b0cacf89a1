"""Reference files read into what an import may correct: BibTeX (with bibtexparser) or
CSL-JSON (checked against the CSL data schema), each entry's title, authors, date, URL
and DOI, in the same shape whichever format it came in.

The whole file is read and checked before anything is matched or written: a file that
cannot be read, a block bibtexparser could not parse, or one value that no article may
hold (archive.reference_values) fails it whole, naming every entry at fault. (A URL is
checked once its article is known, by archive.reference_import.) These are also the files
archive.reference_files writes, so that an export edited by hand comes back in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser import model as bib
from bibtexparser.exceptions import ParsingException
from bibtexparser.middlewares import (
    LatexDecodingMiddleware,
    MergeCoAuthors,
    MergeNameParts,
    MonthIntMiddleware,
    NormalizeFieldKeys,
    SeparateCoAuthors,
    SplitNameParts,
)
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

from archive import reference_values as values
from archive.reference_values import BadValue, Issued

# A library of 10,000 references with their abstracts is a few megabytes; past these, a
# file is not one (and bibtexparser spends some 25 µs on each block, LaTeX 0.5 ms on each
# entry: 50,000 entries take half a minute).
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 50_000
MAX_PROBLEMS_SHOWN = 20
MAX_LABEL_TITLE_CHARS = 60
FORMATS = ("bibtex", "csl-json")
_EXTENSIONS = {".bib": "bibtex", ".bibtex": "bibtex", ".json": "csl-json"}
_SCHEMA = Path(__file__).resolve().parent / "schema" / "csl-data.json"
# BibTeX fields that are addresses or dates, read as written: decoding them as LaTeX
# would cut an address at its first %, which LaTeX takes for a comment.
_VERBATIM = ("url", "doi", "date", "year", "month", "day")
_TEXT = ("title", "author")
_BIBTEX_ENTRY = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)
_BIBTEX_BLOCK = re.compile(r"@\s*[A-Za-z]+\s*[{(]")
# BibTeX's "and others" is "et al.", not a person.
_OTHERS = "others"


class ReferenceImportFailed(Exception):
    """Nothing was imported; problems says why, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        super().__init__("\n".join(shown + ([f"... and {more} more"] if more else [])))


@dataclass(frozen=True)
class Reference:
    """One entry of a reference file, as far as it describes an article. Empty values
    are what the entry does not say, and change nothing."""

    key: str  # the BibTeX key, the CSL id, else "item N"
    title: str
    author: str = ""  # display order, several joined with " and ", as Article.author
    issued: Issued | None = None
    url: str = ""
    doi: str = ""

    @property
    def label(self) -> str:
        """How messages name it: its key and title."""
        return _label(self.key, self.title)


def read_references(path: Path, format: str | None = None) -> list[Reference]:
    """Every reference in the file, or ReferenceImportFailed; format is one of FORMATS,
    else told by the file's extension, else by its first character."""
    text = _text(path)
    if not text.strip():
        raise ReferenceImportFailed([f"{path} is empty"])
    format = format or _EXTENSIONS.get(path.suffix.lower()) or _sniffed(text)
    references = _read_bibtex(text) if format == "bibtex" else _read_csl_json(text)
    if not references:
        raise ReferenceImportFailed([f"{path} holds no references"])
    return references


def _text(path: Path) -> str:
    try:
        with open(path, "rb") as stream:
            # Read one byte past the limit rather than trust the size a stat gives (a pipe).
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ReferenceImportFailed([f"cannot read {path}: {error.strerror or error}"]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ReferenceImportFailed([f"{path} is over the limit of {MAX_FILE_BYTES:,} bytes"])
    if b"\x00" in raw:
        raise ReferenceImportFailed([f"{path} is not a text file (it holds NUL bytes)"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReferenceImportFailed(
            [f"{path} is not UTF-8 text (byte {error.start + 1:,} is not UTF-8)"]
        ) from None


def _sniffed(text: str) -> str:
    if text.lstrip()[:1] in ("[", "{"):
        return "csl-json"
    if _BIBTEX_ENTRY.search(text):  # anything before the first entry is a comment
        return "bibtex"
    raise ReferenceImportFailed(
        ["cannot tell whether the file is BibTeX or CSL-JSON: say which with --format"]
    )


def _label(key: str, title: str) -> str:
    title = title if len(title) <= MAX_LABEL_TITLE_CHARS else title[:MAX_LABEL_TITLE_CHARS] + "…"
    return f'{key} ("{title}")' if title else str(key)


def _within_entries(count: int) -> None:
    if count > MAX_ENTRIES:
        raise ReferenceImportFailed(
            [f"the file holds {count:,} entries; the limit is {MAX_ENTRIES:,} a file"]
        )


def _checked(readings: list[tuple[str, object]]) -> list[Reference]:
    """Each reading is (label, a Reference or the BadValue that refused it)."""
    problems = [f"{label}: {found}" for label, found in readings if isinstance(found, BadValue)]
    if problems:
        raise ReferenceImportFailed(problems)
    return [found for _, found in readings]


# BibTeX ------------------------------------------------------------------------------------


def _read_bibtex(text: str) -> list[Reference]:
    _within_entries(sum(1 for _ in _BIBTEX_BLOCK.finditer(text)))
    # Field names are case-insensitive in BibTeX (URL is url), and months may be names.
    try:
        library = bibtexparser.parse_string(
            text, append_middleware=[NormalizeFieldKeys(), MonthIntMiddleware()]
        )
    except ParsingException as error:  # the parser lost its way; it says no more than that
        raise ReferenceImportFailed([f"cannot be read as BibTeX ({error!r:.120})"]) from None
    _refuse_failed_blocks(library)
    verbatim = {entry.key: _fields(entry, _VERBATIM) for entry in library.entries}
    # Names are split while LaTeX's braces still protect them ({Barnes and Noble} is one),
    # put in display order, then decoded with the rest of the text.
    for middleware in (SeparateCoAuthors(), SplitNameParts(), MergeNameParts(style="first")):
        library = middleware.transform(library)
        _refuse_failed_blocks(library)
    for entry in library.entries:
        # Only the text read is decoded: LaTeX decoding is most of the time an import takes.
        entry.fields = [field for field in entry.fields if field.key in _TEXT]
        if "author" in entry.fields_dict:
            names = entry.fields_dict["author"].value
            entry.fields_dict["author"].value = [name for name in names if name != _OTHERS]
    for middleware in (MergeCoAuthors(), LatexDecodingMiddleware()):
        library = middleware.transform(library)
        _refuse_failed_blocks(library)
    readings = []
    for entry in library.entries:
        fields = {**_fields(entry, _TEXT), **verbatim[entry.key]}
        title = " ".join(fields.get("title", "").split())
        label = _label(entry.key, title)
        try:
            readings.append((label, _bibtex_reference(entry.key, title, fields)))
        except BadValue as problem:
            readings.append((label, problem))
    return _checked(readings)


def _fields(entry: bib.Entry, keys: tuple[str, ...]) -> dict[str, str]:
    found = {field.key: str(field.value).strip() for field in entry.fields}
    return {key: found[key] for key in keys if found.get(key)}


def _refuse_failed_blocks(library: bibtexparser.Library) -> None:
    problems = []
    for block in library.failed_blocks:
        where = f"line {block.start_line + 1}" if block.start_line is not None else "a block"
        opening = " ".join((block.raw or "").split())[:MAX_LABEL_TITLE_CHARS]
        problems.append(f"{where} ({opening}): cannot be read as BibTeX: {_failure(block)}")
    if problems:
        raise ReferenceImportFailed(problems)


def _failure(block: bib.ParsingFailedBlock) -> str:
    if isinstance(block, bib.DuplicateBlockKeyBlock):
        return f"the key {block.key!r} is used twice; each entry needs its own"
    if isinstance(block, bib.DuplicateFieldKeyBlock):
        return f"{', '.join(sorted(block.duplicate_keys))} given twice in one entry"
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    return " ".join(reason.split())[:200]


def _bibtex_reference(key: str, title: str, fields: dict[str, str]) -> Reference:
    return Reference(
        key=key,
        title=title,
        author=values.display_names([fields["author"]]) if "author" in fields else "",
        issued=_bibtex_issued(fields),
        url=values.address(fields["url"]) if "url" in fields else "",
        doi=values.doi(fields["doi"]) if "doi" in fields else "",
    )


def _bibtex_issued(fields: dict[str, str]) -> Issued | None:
    """biblatex's date, else BibTeX's year, month and day; both must agree when both are
    there (an export gives both, and an edit to one alone would otherwise be lost)."""
    from_parts = None
    if "year" in fields:
        from_parts = values.issued(fields["year"], fields.get("month"), fields.get("day"))
    elif "month" in fields or "day" in fields:
        raise BadValue("a month or day without a year is not a date")
    if "date" not in fields:
        return from_parts
    if "/" in fields["date"]:
        raise BadValue(f"date {fields['date']!r} is a range; an article appears on one day")
    from_date = values.iso_date(fields["date"])
    if from_parts and not _agree(from_date, from_parts):
        raise BadValue(f"date {from_date} and year/month/day {from_parts} disagree")
    return from_date


def _agree(one: Issued, other: Issued) -> bool:
    pairs = zip((one.year, one.month, one.day), (other.year, other.month, other.day), strict=True)
    return all(a == b for a, b in pairs if a is not None and b is not None)


# CSL-JSON ----------------------------------------------------------------------------------


def _csl_validator() -> Draft7Validator:
    schema = json.loads(_SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema["items"] | {"definitions": schema["definitions"]})


_item_validator = _csl_validator()


def _read_csl_json(text: str) -> list[Reference]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ReferenceImportFailed([f"the file is not valid JSON ({str(error)[:120]})"]) from None
    except RecursionError:
        raise ReferenceImportFailed(["the file is not valid JSON (nested too deep)"]) from None
    if isinstance(data, dict):
        data = [data]  # one item on its own, as some tools write it
    if not isinstance(data, list):
        raise ReferenceImportFailed(["the file is not CSL-JSON: a list of items"])
    _within_entries(len(data))
    readings = []
    for number, item in enumerate(data, start=1):
        title = item.get("title") if isinstance(item, dict) else None
        title = " ".join(title.split()) if isinstance(title, str) else ""
        key = item.get("id") if isinstance(item, dict) else None
        key = str(key) if isinstance(key, str | int) else f"item {number}"
        label = _label(key, title)
        try:
            readings.append((label, _csl_reference(key, title, item)))
        except BadValue as problem:
            readings.append((label, problem))
    return _checked(readings)


def _csl_reference(key: str, title: str, item: object) -> Reference:
    error = best_match(_item_validator.iter_errors(item))
    if error is not None:
        where = "/".join(str(step) for step in error.absolute_path) or "the item"
        raise BadValue(f"not a CSL-JSON item: {where}: {error.message[:160]}")
    names = [_csl_display_name(name) for name in item.get("author", [])]
    return Reference(
        key=key,
        title=title,
        author=values.display_names(names),
        issued=_csl_issued(item.get("issued")),
        url=values.address(item["URL"]) if item.get("URL", "").strip() else "",
        doi=values.doi(item["DOI"]) if item.get("DOI", "").strip() else "",
    )


def _csl_display_name(name: dict) -> str:
    """{'family': 'Gogh', 'non-dropping-particle': 'van', 'given': 'Vincent'} -> 'Vincent
    van Gogh', in CSL's display order; a literal name stays whole."""
    if name.get("literal"):
        return name["literal"]
    parts = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")
    return " ".join(name[part] for part in parts if name.get(part))


def _csl_issued(value: dict | None) -> Issued | None:
    """date-parts, else an ISO 8601 raw date; a literal ('Spring 2010') is no date, and a
    range no one day, so either is refused rather than passed over in silence."""
    if not value:
        return None
    if "date-parts" in value:
        if len(value["date-parts"]) > 1:
            raise BadValue("issued is a range of dates; an article appears on one day")
        return values.issued(*value["date-parts"][0])
    if value.get("raw"):
        return values.iso_date(value["raw"])
    if value.get("literal"):
        raise BadValue(f"issued {value['literal'][:60]!r} is not a date (date-parts, or raw)")
    return None
