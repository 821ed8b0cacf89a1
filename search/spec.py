"""What a search asks of a backend, and what the backend answers: one method,
answer(SearchSpec) -> SearchAnswer, on every backend (search.backends)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from haystack.constants import DJANGO_ID

from annotations.permissions import Viewer
from search.freshness import NONE as NO_CORRECTIONS
from search.freshness import Corrections
from search.syntax import ParsedQuery

DEFAULT_SIZE = 20


@dataclass(frozen=True)
class SearchSpec:
    """A search of the paragraphs, and of readers' notes if notes > 0.

    filters are {index field: exact value}; a "tags" filter (a tag slug, or NONE for "no
    tag") and the "tags" facet count only what the viewer may see. sort names index
    fields (none: by relevance). suggest asks for "did you mean" when hits are few.
    notes is how many of the notes the viewer may see to find, best first. corrections
    are what the database says the index may not know yet (search.freshness): they win.
    """

    query: ParsedQuery
    viewer: Viewer = field(default_factory=Viewer)
    filters: Mapping[str, str] = field(default_factory=dict)
    facets: tuple[str, ...] = ()
    sort: tuple[str, ...] = ()
    start: int = 0
    size: int = DEFAULT_SIZE
    suggest: bool = True
    notes: int = 0
    corrections: Corrections = NO_CORRECTIONS

    @property
    def end(self) -> int:
        return self.start + self.size


@dataclass(frozen=True)
class ParagraphHit:
    paragraph_id: int
    article_slug: str
    article_title: str
    section_number: int | None
    section_title: str | None
    position: int
    snippet: str  # safe HTML: escaped text, matches in <mark>
    score: float | None  # None when sorted

    @classmethod
    def from_stored(cls, fields: Mapping, snippet: str, score: float | None) -> ParagraphHit:
        """A hit from the fields a backend stored for its paragraph (search_indexes)."""
        number = fields.get("section_number")
        return cls(
            paragraph_id=int(fields[DJANGO_ID]),
            article_slug=fields["article"],
            article_title=fields["article_title"],
            section_number=int(number) if number is not None else None,
            section_title=fields.get("section_title"),
            position=int(fields["position"]),
            snippet=snippet,
            score=score,
        )


@dataclass(frozen=True)
class SearchAnswer:
    """hits: the paragraphs of the page asked for; count: all that match. facets:
    {index field: ((value, count), ...)}. notes: the ids of the annotations found, best
    first, of notes_count. messages: what the limits of the search cut."""

    hits: tuple[ParagraphHit, ...] = ()
    count: int = 0
    facets: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    notes: tuple[int, ...] = ()
    notes_count: int = 0
    suggestion: str | None = None
    messages: tuple[str, ...] = ()
