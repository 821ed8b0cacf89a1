"""References as files a reference manager imports: CSL-JSON, BibTeX and RIS, each
written from the CSL-JSON items of archive.references by a well-kept library (the json
module, bibtexparser, rispy), never by pasting strings into a template.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser import model as bib
from bibtexparser.middlewares import LatexEncodingMiddleware

from archive.references import item_date, sorted_name

# biblatex's entry subtype tells Pandoc, Zotero and biber a magazine from a newspaper.
_BIBTEX_SUBTYPES = {"article-magazine": "magazine", "article-newspaper": "newspaper"}
_RIS_TYPES = {"article-magazine": "MGZN", "article-newspaper": "NEWS"}


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
    LatexEncodingMiddleware(keep_math=False).transform(text)
    for entry, item in zip(text.entries, items, strict=True):
        for key, value in _bibtex_verbatim(item).items():
            entry.set_field(bib.Field(key, value))
    return bibtexparser.write_string(text)


def _bibtex_entry(item: dict, fields_of: Callable[[dict], dict]) -> bib.Entry:
    fields = fields_of(item)
    return bib.Entry(
        "article", item["id"], [bib.Field(key, value) for key, value in fields.items()]
    )


def _bibtex_text(item: dict) -> dict:
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
    return rispy.dumps([_ris_entry(item) for item in items], implementation=_RisWriter)


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
