"""What the index may not know yet: the database has the last word on who sees what.

A change reaches the index after it commits, and while the index is behind (a long ingest
holds the writer, or a flush failed) it still holds the old documents. Privacy must not
wait for it. Every change records its outbox rows (PendingIndexUpdate) in the same
transaction as the change, so the rows still pending name exactly the documents that may
be stale. Before a search, the rows are read (before the searcher is refreshed: a row is
deleted only after its commit to the index, so a searcher opened later sees that commit),
and the database corrects what the index would otherwise say:

- a note whose annotation changed is not found until the index has it again: the index
  holds its old text and audience, and a match on words since removed from a shared note
  would confirm they had been there (a note briefly missing is the safe way to be wrong);
- a paragraph whose tags changed carries the tag tokens the database gives it now, in
  facets and in the tag filter.

Usually nothing is pending and this costs one small query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from search import indexing
from search.models import PendingIndexUpdate

Kind = PendingIndexUpdate.Kind


@dataclass(frozen=True)
class Corrections:
    """The notes whose index documents may be stale, and the current tag tokens of the
    paragraphs whose tags may have changed."""

    hidden_notes: frozenset[int] = frozenset()
    paragraph_tags: dict[int, frozenset[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.hidden_notes or self.paragraph_tags)


NONE = Corrections()


def corrections() -> Corrections:
    pending = PendingIndexUpdate.objects.filter(kind__in=[Kind.ANNOTATION, Kind.PARAGRAPH])
    rows = list(pending.values_list("kind", "object_id"))
    if not rows:
        return NONE
    paragraphs = {pk for kind, pk in rows if kind == Kind.PARAGRAPH}
    tokens = indexing.tag_tokens_of(paragraphs) if paragraphs else {}
    return Corrections(
        hidden_notes=frozenset(pk for kind, pk in rows if kind == Kind.ANNOTATION),
        paragraph_tags={pk: frozenset(tokens.get(pk, ())) for pk in paragraphs},
    )
