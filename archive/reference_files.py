"""References as files a reference manager imports: CSL-JSON, BibTeX and RIS, each
written from the CSL-JSON items of archive.references by a well-kept library (the json
module, bibtexparser, rispy), never by pasting strings into a template.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser import model as bib
from bibtexparser.middlewares import LatexEncodingMiddleware
from pylatexenc.latexencode import UnicodeToLatexEncoder

from archive.references import item_date, sorted_name

# biblatex's entry subtype tells Pandoc, Zotero and biber a magazine from a newspaper.
_BIBTEX_SUBTYPES = {"article-magazine": "magazine", "article-newspaper": "newspaper"}
_RIS_TYPES = {"article-magazine": "MGZN", "article-newspaper": "NEWS"}
_LINE_BREAKS = re.compile(r"[ \t]*[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+[ \t]*")


@dataclass(frozen=True)
class ReferenceFile:
    name: str
    extension: str
    content_type: str
    write: Callable[[list[dict]], str]


def csl_json(items: list[dict]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def bibtex(items: list[dict]) -> str:
    """One @article a reference, in both BibTeX's fields (journal, year) and biblatex's
    (journaltitle, date, urldate). Text has LaTeX's special characters escaped (& is \\&);
    addresses and dates are verbatim, as biblatex reads them."""
    text = bibtexparser.Library([_bibtex_entry(item, _bibtex_text) for item in items])
    # LaTeX's defaults, $ escaped (no math); a character LaTeX has no name for (an emoji)
    # is kept as it is, without a warning on the console for each.
    encoder = UnicodeToLatexEncoder(
        conversion_rules=["defaults"], unknown_char_policy="keep", unknown_char_warning=False
    )
    LatexEncodingMiddleware(encoder=encoder).transform(text)
    for entry, item in zip(text.entries, items, strict=True):
        for field in entry.fields:
            field.value = _braces_restored(field.value)
        for key, value in _bibtex_verbatim(item).items():
            entry.set_field(bib.Field(key, value))
    return bibtexparser.write_string(text)


# BibTeX counts braces whatever precedes them: an escaped \} that closes no \{ ends the
# field early. Such a brace is set aside before LaTeX encoding and written as a command.
_LONE_BRACES = {"{": "\ue002", "}": "\ue003"}
_BRACE_COMMANDS = {"\ue002": "{\\textbraceleft}", "\ue003": "{\\textbraceright}"}


def _lone_braces_set_aside(text: str) -> str:
    kept, opened = list(text), []
    for at, character in enumerate(text):
        if character == "{":
            opened.append(at)
        elif character == "}" and opened:
            opened.pop()
        elif character == "}":
            kept[at] = _LONE_BRACES["}"]
    for at in opened:
        kept[at] = _LONE_BRACES["{"]
    return "".join(kept)


def _braces_restored(text: str) -> str:
    for placeholder, command in _BRACE_COMMANDS.items():
        text = text.replace(placeholder, command)
    return text


def _one_line(text: str) -> str:
    """Reference files are read line by line: a line break inside a value (a title typed
    in the admin's text box) must not start a line, which in RIS is a new tag."""
    return _LINE_BREAKS.sub(" ", text)


def _bibtex_entry(item: dict, fields_of: Callable[[dict], dict]) -> bib.Entry:
    fields = fields_of(item)
    return bib.Entry(
        "article", item["id"], [bib.Field(key, value) for key, value in fields.items()]
    )


def _bibtex_text(item: dict) -> dict:
    fields = _bibtex_fields(item)
    return {key: _lone_braces_set_aside(_one_line(value)) for key, value in fields.items()}


def _bibtex_fields(item: dict) -> dict:
    fields = {"title": item["title"]}
    if item.get("author"):
        fields["author"] = " and ".join(sorted_name(name) for name in item["author"])
    if item.get("container-title"):
        fields["journal"] = fields["journaltitle"] = item["container-title"]
    fields["entrysubtype"] = _BIBTEX_SUBTYPES[item["type"]]
    if item.get("abstract"):
        fields["abstract"] = item["abstract"]
    return fields


def _bibtex_verbatim(item: dict) -> dict:
    fields = {}
    issued = item_date(item, "issued")
    if issued:
        fields["year"] = str(issued.year)
        fields["month"] = str(issued.month)
        fields["date"] = issued.isoformat()
    fields["url"] = item["URL"]
    accessed = item_date(item, "accessed")
    if accessed:
        fields["urldate"] = accessed.isoformat()
    if item.get("DOI"):
        fields["doi"] = item["DOI"]
    return fields


class _RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers each record ("1."); a record begins at its TY line


def ris(items: list[dict]) -> str:
    entries = [_ris_entry(item) for item in items]
    for entry in entries:
        for key, value in entry.items():
            if isinstance(value, list):
                entry[key] = [_one_line(part) for part in value]
            else:
                entry[key] = _one_line(value)
    return rispy.dumps(entries, implementation=_RisWriter)


def _ris_entry(item: dict) -> dict:
    entry = {"type_of_reference": _RIS_TYPES[item["type"]], "id": item["id"]}
    entry["title"] = item["title"]
    if item.get("author"):
        entry["authors"] = [sorted_name(name) for name in item["author"]]
    if item.get("container-title"):
        entry["secondary_title"] = item["container-title"]
    issued = item_date(item, "issued")
    if issued:
        entry["year"] = str(issued.year)
        entry["date"] = f"{issued:%Y/%m/%d}"
    entry["urls"] = [item["URL"]]
    accessed = item_date(item, "accessed")
    if accessed:
        entry["access_date"] = f"{accessed:%Y/%m/%d}"
    if item.get("DOI"):
        entry["doi"] = item["DOI"]
    if item.get("abstract"):
        entry["abstract"] = item["abstract"]
    return entry


REFERENCE_FILES = {
    "csl-json": ReferenceFile(
        "csl-json", "json", "application/vnd.citationstyles.csl+json", csl_json
    ),
    "bibtex": ReferenceFile("bibtex", "bib", "application/x-bibtex", bibtex),
    "ris": ReferenceFile("ris", "ris", "application/x-research-info-systems", ris),
}
