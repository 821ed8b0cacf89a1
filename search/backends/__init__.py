"""The search backends. Each answers a search in one method, answer(SearchSpec) ->
SearchAnswer (search.spec), and writes through one door (search.backends.door):

- search.backends.whoosh: the index in a folder, for one machine;
- search.backends.elasticsearch: Elasticsearch 7, for several.

settings.HAYSTACK_CONNECTIONS chooses one. What they share is here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # plain Python here: the bench's bare Whoosh runs import the schema
    from search.spec import SearchAnswer, SearchSpec

TAGS_FIELD = "tags"
AUDIENCE_FIELD = "audience"
PARAGRAPH_CT = "archive.paragraph"
ANNOTATION_CT = "annotations.annotation"
# Below this many hits a "did you mean" is worth its cost.
SUGGEST_BELOW_HITS = 5
# Misspellings rarely touch the first letter; requiring it makes suggestions 20x faster.
SUGGEST_PREFIX = 1


class SearchBackend(Protocol):
    def answer(self, spec: SearchSpec) -> SearchAnswer: ...


class IndexBusy(Exception):
    """Another process held the index write lock for longer than the timeout."""


class SearchUnavailable(Exception):
    """The search index cannot be read just now (until it is mended or rebuilt)."""

    message = "Search is unavailable just now. Please try again in a few minutes."
