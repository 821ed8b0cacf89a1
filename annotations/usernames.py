"""Usernames that cannot pass for someone else's.

Annotators are known by name on shared notes, so a new name may not be one that reads as
an existing one: the same letters in another case, a mix of scripts with look-alikes
(Cyrillic `а` in `alice`), or a name that looks the same once each character is replaced
by the one it is confused with (`a1ice`, `rnary`, all-Cyrillic `аӀісе`). The sign-up form
and the importer both ask `check_new_username`.
"""

import unicodedata
from functools import cache

from confusable_homoglyphs import confusables
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

# confusable_homoglyphs keeps some right-to-left characters wrapped in direction marks.
_DIRECTION_MARKS = "\u200e\u200f"


def normalise(name: str) -> str:
    """The form a name is stored and compared in (NFKC, as Django's own user model does)."""
    return unicodedata.normalize("NFKC", name)


def skeleton(name: str) -> str:
    """What a name looks like: each character replaced by the shape of its look-alikes."""
    shapes = _shapes()
    return "".join(shapes.get(char, char) for char in normalise(name))


def looks(name: str) -> set[str]:
    """A name's skeletons as written and case folded: folding first would change what
    some letters look like (capital palochka `Ӏ` is an `l`, its small form an `i`)."""
    return {skeleton(name), skeleton(normalise(name).casefold())}


def check_new_username(name: str) -> str:
    """The name as it will be stored, or a ValidationError saying why it may not be."""
    name = normalise(name)
    if confusables.is_dangerous(name):
        raise ValidationError(
            "This name mixes alphabets with letters that look alike; use one alphabet.",
            code="mixed_script",
        )
    folded, shapes = name.casefold(), looks(name)
    for existing in get_user_model().objects.values_list("username", flat=True).iterator():
        if normalise(existing).casefold() == folded:
            raise ValidationError(
                "A user with that name already exists (names differ by more than case).",
                code="taken",
            )
        if looks(existing) & shapes:
            raise ValidationError(
                "This name looks too much like an existing user's; choose another.",
                code="confusable",
            )
    return name


@cache
def _shapes() -> dict[str, str]:
    """Each confusable character -> the shape it shares with its look-alikes.

    confusable_homoglyphs pairs characters both ways from Unicode's confusables table;
    characters linked by those pairs form one group, drawn as its first ASCII member
    (else its lowest code point). A character the table maps to several (`m` -> `rn`)
    is drawn as those.
    """
    groups = _Groups()
    wide: dict[str, str] = {}
    for char, glyphs in confusables.confusables_data.items():
        for glyph in (g["c"].strip(_DIRECTION_MARKS) for g in glyphs):
            if len(char) == 1 and len(glyph) == 1:
                groups.join(char, glyph)
            elif len(char) == 1:
                wide[char] = min(wide.get(char, glyph), glyph)
    members: dict[str, list[str]] = {}
    for char in groups.chars():
        members.setdefault(groups.root(char), []).append(char)
    shapes: dict[str, str] = {}
    for group in members.values():
        drawn = min(group, key=lambda c: (not c.isascii(), ord(c)))
        wider = sorted(wide[c] for c in group if c in wide)
        for char in group:
            shapes[char] = wider[0] if wider else drawn
    for char, glyph in wide.items():
        shapes.setdefault(char, glyph)
    # A wide shape is drawn in its own characters' shapes (`rn` as `r`, `n`).
    return {
        char: "".join(shapes.get(c, c) if len(shape) > 1 else c for c in shape)
        for char, shape in shapes.items()
    }


class _Groups:
    """Union-find over characters."""

    def __init__(self):
        self._parent: dict[str, str] = {}

    def root(self, char: str) -> str:
        parent = self._parent.setdefault(char, char)
        while parent != char:
            self._parent[char] = self._parent[parent]
            char, parent = parent, self._parent[parent]
        return char

    def join(self, a: str, b: str) -> None:
        self._parent[self.root(a)] = self.root(b)

    def chars(self) -> list[str]:
        return list(self._parent)
