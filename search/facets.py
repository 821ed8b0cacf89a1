"""The facets of a search, listed once: the search, its filters, the API's fields and
the page's titles all come from here."""

from __future__ import annotations

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


FACETS = (
    # The article facet counts a slug-and-title keyword, so its labels come with the counts.
    Facet("article", "Article", "article_facet", "article"),
    Facet("section", "Section", "section", "section", "No numbered section"),
    Facet("author", "Author", "author", "author", "Unknown author"),
    Facet("year", "Year", "year", "year", "Undated"),
    # Tag tokens the viewer may see (see search.tagging).
    Facet("tag", "Tag", "tags", "tags", "Untagged"),
)
NAMES = tuple(facet.name for facet in FACETS)
BY_NAME = {facet.name: facet for facet in FACETS}
TITLES = {facet.name: facet.title for facet in FACETS}
