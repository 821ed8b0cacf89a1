"""Citation keys: the name a reference manager, BibTeX and Pandoc know an article by.

`giddens2010rise`: the first author's family name, the year, the title's first word that
is not an article, folded to ASCII letters and digits so that every tool accepts it. A key
is given once, when the article is first stored, and never changes: writing that cites
`@giddens2010rise` must still find it after a re-ingest or a corrected author. Plain
Python apart from `unique_key`, so the rule can be tested alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from string import ascii_lowercase

from archive import parsing

MAX_PART_CHARS = 30
_LEADING_ARTICLES = frozenset({"the", "a", "an"})
# Part of a name: "Martin Luther King Jr."; a reference keeps it.
GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})
# After a name, not part of it: "Jon Cruddas MP"; a reference leaves it out.
POST_NOMINALS = frozenset({"mp", "mep", "msp", "ms", "am", "qc", "kc", "obe", "mbe", "cbe"})
_AUTHOR_SEPARATOR = re.compile(r"\s+(?:and|&)\s+|\s*;\s*", re.IGNORECASE)
# A byline's role after a comma ("Stephen Bush, Special Correspondent") names no author.
_ROLE = re.compile(r"\b(?:" + "|".join(sorted(parsing.BYLINE_ROLES)) + r")s?\b", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Žižek' -> 'zizek', "O'Hara" -> 'ohara'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())[:MAX_PART_CHARS]


def split_authors(author: str) -> list[str]:
    """'Anthony Giddens and Will Hutton' -> ['Anthony Giddens', 'Will Hutton']; so too
    'Anthony Giddens, Will Hutton'. A name in sorted form stays whole ('Giddens, Anthony
    and Diamond, Patrick' -> two), and a role after a comma goes."""
    names = []
    for part in _AUTHOR_SEPARATOR.split(author):
        pieces = [piece.strip() for piece in part.split(",")]
        pieces = [piece for piece in pieces if piece and not _ROLE.search(piece)]
        if len(pieces) == 2 and _is_family_name(pieces[0]):
            names.append(f"{pieces[0]}, {pieces[1]}")
        else:
            names += pieces
    return names


def _is_family_name(text: str) -> bool:
    """'Giddens' or 'van Gogh' before a comma: a sorted name, not the first of a list."""
    words = text.split()
    return len(words) == 1 or (len(words) > 1 and words[0].islower())


def name_words(name: str) -> list[str]:
    """A name's words, less post-nominal letters ('Jon Cruddas MP' -> Jon, Cruddas)."""
    words = name.split()
    while len(words) > 1 and fold(words[-1]) in POST_NOMINALS:
        words.pop()
    return words


def family_name(name: str) -> str:
    """'Anthony Giddens' -> 'Giddens'; 'Martin Luther King Jr.' -> 'King'; a sorted name's
    family name is the word before its comma ('van Gogh, Vincent' -> 'Gogh')."""
    if "," in name:
        name = name.split(",", 1)[0]
    words = name_words(name)
    while len(words) > 1 and fold(words[-1]) in GENERATIONS:
        words.pop()
    return words[-1] if words else ""


def first_title_word(title: str) -> str:
    words = [fold(word) for word in title.split()]
    words = [word for word in words if word]
    while len(words) > 1 and words[0] in _LEADING_ARTICLES:
        words.pop(0)
    return words[0] if words else ""


def base_key(author: str, issue_date: date | None, title: str, publication: str = "") -> str:
    """giddens2010rise; without an author, the publication stands in (newstatesman2017...);
    without a date, 'nd' (no date), as reference managers write it."""
    authors = split_authors(author)
    who = fold(family_name(authors[0])) if authors else ""
    who = who or fold(publication) or "anon"
    year = str(issue_date.year) if issue_date else "nd"
    return f"{who}{year}{first_title_word(title)}"


def disambiguated(base: str) -> list[str]:
    """The base key, then base + a, b, ... z, aa, ab, ... as reference managers do."""
    keys = [base]
    keys += [base + letter for letter in ascii_lowercase]
    keys += [base + first + second for first in ascii_lowercase for second in ascii_lowercase]
    return keys


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """The first of the base's disambiguated keys that `taken` says is free; past zz
    (703 articles of one author, year and first word), the base and a number."""
    for key in disambiguated(base):
        if not taken(key):
            return key
    number = len(disambiguated(base)) + 1
    while taken(f"{base}{number}"):
        number += 1
    return f"{base}{number}"
