"""The author's name from a news database's byline, less what is not a name.

'By Jane Roe' -> 'Jane Roe'; 'Jane Roe, Political Editor' and 'Jane Roe Political Editor'
-> 'Jane Roe'; 'Heather Stewart Political editor' and 'Lisa O'Carroll Brexit
correspondent' (the Guardian's way, the role in sentence case) -> the name; 'Daniel
Boffey in Brussels' -> 'Daniel Boffey'; 'Mattha Busby (now), Andrew Sparrow (earlier)'
-> 'Mattha Busby and Andrew Sparrow'; 'J. M. LÁZARO / JOSÉ YOLDI' (El País) -> 'J. M.
LÁZARO and JOSÉ YOLDI'. A role is taken off only when it can be told from the name; a
byline that names no person ('Letters', 'Guardian staff and agencies') stays as written.
Plain Python: no Django.
"""

from __future__ import annotations

import re

from archive.parsing import BYLINE_ROLES, NAME_PARTICLES

# The column holds no more.
MAX_AUTHOR_CHARS = 255
MAX_NAME_WORDS = 5

_BY = re.compile(r"^by\s+", re.IGNORECASE)
_REMARK = re.compile(r"\s*\([^()]*\)")
_SEPARATOR = re.compile(r"\s+(?:and|&|/)\s+|\s*[;,]\s*", re.IGNORECASE)
# "in Brussels", "at Westminster": where the writer was, after the name.
_PLACE = re.compile(r"\s+(?:in|at)\s+(?=[A-Z])")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ROLES = BYLINE_ROLES | {f"{role}s" for role in BYLINE_ROLES}
# Words that qualify a role in Title Case ('Chief Political Correspondent'): a word not
# here may be part of the name, so the role stops at it.
_ROLE_WORDS = ROLES | _words(
    "chief senior deputy associate assistant executive managing contributing special "
    "political diplomatic economics economic business home foreign security defence "
    "defense health education environment science technology social affairs legal arts "
    "sport sports media policy parliamentary investigations data consumer transport "
    "energy climate world europe international national community news city"
)


def author_from_byline(byline: str) -> str:
    """The names a byline gives, or the byline as written if it gives none."""
    written = " ".join(byline.split())
    text = _REMARK.sub("", _BY.sub("", written))
    names = [name for piece in _SEPARATOR.split(text) if (name := _name_in(piece.strip()))]
    if not names:
        return _BY.sub("", written)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _name_in(piece: str) -> str:
    """The person a piece of a byline names ('Jane Roe Political Editor' -> 'Jane Roe'),
    or "" if it names none (a role alone, 'agencies')."""
    piece = _PLACE.split(piece, maxsplit=1)[0]
    words = piece.split()
    if words and words[-1].lower() in ROLES:
        words = words[: _role_start(words)]
    return " ".join(words) if _is_name(words) else ""


def _role_start(words: list[str]) -> int:
    """Where the role at the end of the words begins."""
    if words[-1].islower():
        # Sentence case: the role opens at its one capital ('Deputy political editor').
        start = len(words) - 1
        while start > 0 and words[start].islower():
            start -= 1
        return start if not words[start].islower() else 0
    start = len(words)
    while start > 0 and words[start - 1].lower() in _ROLE_WORDS:
        start -= 1
    return start


def _is_name(words: list[str]) -> bool:
    """Two to five words, each capitalised, an initial ('M.') or a particle ('van')."""
    if not 2 <= len(words) <= MAX_NAME_WORDS:
        return False
    return all(word[0].isupper() or word in NAME_PARTICLES for word in words)
