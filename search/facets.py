"""The facets of a search, listed once: the search, its filters, the API's fields and
the page's titles all come from here, and so do the labels of the values that the index
does not carry (see search.query's labels)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    name: str  # the URL parameter that filters by it, and its key in the API's facets
    title: str
    # The index field counted, and the one a filter matches (they differ where a count's
    # value carries its label, or a filter's tokens say who may see them).
    counted: str
    filtered: str
    # The label of NONE, the bucket of what has no value.
    none_label: str | None = None
    # Whether a counted value is "value<LABEL_SEPARATOR>label" (search.fields).
    labelled: bool = False


FACETS = (
    # The article facet counts a slug-and-title keyword, so its labels come with the counts.
    Facet("article", "Article", "article_facet", "article", labelled=True),
    # One value per section of an article ("<slug>:<number>"), labelled likewise.
    Facet("section", "Section", "section_facet", "section_key", "No numbered section", True),
    Facet("author", "Author", "author", "author", "No author"),
    Facet("year", "Year", "year", "year", "Undated"),
    # Tag tokens the viewer may see (see search.tagging).
    Facet("tag", "Tag", "tags", "tags", "Untagged"),
)
NAMES = tuple(facet.name for facet in FACETS)
BY_NAME = {facet.name: facet for facet in FACETS}
TITLES = {facet.name: facet.title for facet in FACETS}

# Links from before sections were told apart by article say `section=<number>`: they
# still filter by that number, in whichever article (the index keeps it for them).
NUMBER_ONLY = re.compile(r"\d{1,4}")
SECTION_NUMBER_FIELD = "section"
SECTION_VALUE = re.compile(r"(?P<slug>[-\w]+):(?P<number>\d{1,4})", re.ASCII)


def filtered_field(name: str, value: str) -> str:
    """The index field a filter on this facet, with this value, matches."""
    if name == "section" and NUMBER_ONLY.fullmatch(value):
        return SECTION_NUMBER_FIELD
    return BY_NAME[name].filtered


def section_value(article_slug: str, number: int) -> str:
    return f"{article_slug}:{number}"


def section_label(number: int, title: str, article_title: str) -> str:
    """How a section is named among the sections of every article."""
    return f"{number}. {title} — {article_title}" if title else f"{number}. {article_title}"


def number_only_label(number: str) -> str:
    return f"Section {int(number)}, any article"
