"""Tag slugs: readable, never empty, safe in a URL path, from any tag name.

Unicode letters and digits stay as they are (`économie`, `経済`); a name of symbols only
(`👍`, `!!!`) is spelt out by its characters' Unicode names (`thumbs-up-sign`), so that
every tag has a page. Uniqueness is the Tag model's business (it adds `_2`, `_3`...).
"""

import unicodedata

from django.utils.text import slugify

MAX_SLUG_CHARS = 100
# Room for the suffix that tells apart two names with the same slug.
MAX_BASE_CHARS = MAX_SLUG_CHARS - 8
# Marks, joiners and variation selectors add nothing readable to a spelt-out name.
_SILENT_CATEGORIES = {"Mn", "Me", "Cf", "Cc"}


def tag_slug(name: str, suffix: int | None = None) -> str:
    slug = slugify(name, allow_unicode=True) or _spelt_out(name)
    slug = slug[:MAX_BASE_CHARS].strip("-_") or "tag"
    return slug if suffix is None else f"{slug}_{suffix}"


def _spelt_out(name: str) -> str:
    words = []
    for character in name:
        if character.isspace() or unicodedata.category(character) in _SILENT_CATEGORIES:
            continue
        words.append(unicodedata.name(character, f"u{ord(character):04x}"))
    return slugify(" ".join(words))
