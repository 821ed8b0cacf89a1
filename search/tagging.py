"""Tags in the search index, each carrying the audience that may see it.

A paragraph document lists the tags of the annotations on it as tokens
"<audience>/<slug>", the audience being the annotation's own (see
annotations.permissions): "shared/economy", "user:7/economy". A search filters and counts
only the tokens whose audience the viewer holds. Slugs hold no "/" and audiences no
space, so a token splits at its last "/".
"""

from __future__ import annotations

from annotations.permissions import Viewer

SEPARATOR = "/"


def token(audience: str, slug: str) -> str:
    return f"{audience}{SEPARATOR}{slug}"


def prefixes(viewer: Viewer) -> tuple[str, ...]:
    """The token prefixes of the audiences a viewer holds, in a stable order."""
    return tuple(f"{audience}{SEPARATOR}" for audience in sorted(viewer.audiences))


def tokens_for(viewer: Viewer, slug: str) -> list[str]:
    """The tokens under which a tag is visible to this viewer."""
    return [token(audience, slug) for audience in sorted(viewer.audiences)]


def visible_slugs(viewer: Viewer, tokens) -> set[str]:
    """The slugs among a document's tokens (a string or a collection) that the viewer may
    see."""
    if not tokens:
        return set()
    if isinstance(tokens, str):
        tokens = tokens.split()
    audiences = viewer.audiences
    slugs = set()
    for tag in tokens:
        audience, _, slug = tag.rpartition(SEPARATOR)
        if audience in audiences:
            slugs.add(slug)
    return slugs
