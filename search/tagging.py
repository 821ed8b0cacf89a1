"""Tags in the search index, with the annotation permission rules built in.

A paragraph document lists the tags of the annotations on it as tokens that carry who may
see them: "s:<slug>" for a shared annotation, "p<owner id>:<slug>" for a private one.
A search then filters and counts only the tokens the viewer may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

SHARED_PREFIX = "s:"


def private_prefix(owner_id: int) -> str:
    return f"p{owner_id}:"


def token(visibility: str, owner_id: int, slug: str) -> str:
    prefix = SHARED_PREFIX if visibility == "shared" else private_prefix(owner_id)
    return prefix + slug


@dataclass(frozen=True)
class Viewer:
    """Who is searching, as far as the index needs to know."""

    user_id: int | None
    sees_shared: bool
    user: object = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, user) -> Viewer:
        signed_in = user is not None and user.is_authenticated
        return cls(
            user_id=user.pk if signed_in else None,
            sees_shared=signed_in or settings.COMMONPLACE_ANONYMOUS_READS_SHARED,
            user=user,
        )

    @property
    def prefixes(self) -> tuple[str, ...]:
        prefixes = (SHARED_PREFIX,) if self.sees_shared else ()
        if self.user_id is not None:
            prefixes += (private_prefix(self.user_id),)
        return prefixes

    def tokens_for(self, slug: str) -> list[str]:
        return [prefix + slug for prefix in self.prefixes]

    def visible_slugs(self, tokens: str) -> set[str]:
        """The slugs among a document's tokens that this viewer may see."""
        if not tokens:
            return set()
        prefixes = self.prefixes
        return {tag.split(":", 1)[1] for tag in tokens.split() if tag.startswith(prefixes)}
