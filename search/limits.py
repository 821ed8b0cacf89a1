"""What one search may cost, so that no query, however hostile, holds a server.

A query's cost multiplies with what it asks for: each fuzzy, prefix or wildcard term
stands for every word of the index it matches (fuzzy~9 for nearly all of them, and its
automaton alone takes a minute to build), and every word adds a pass over its postings.
So the text is bounded before it is parsed (at most MAX_EDITS edits, at most
MAX_EXPANDING_TERMS expanding terms), each term is bounded when it is expanded (at most
MAX_EXPANSIONS words per segment), and the whole search by a time budget, after which it
answers with what it has found. Whatever a limit cut is said in the answer's messages.

Plain Python, no Django and no backend: the backends pass the budget in.
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager

# Edits a fuzzy term may ask for: the search box documents ~ (one) and ~2.
MAX_EDITS = 2
# Words of one segment's vocabulary a prefix, wildcard or fuzzy term may stand for.
MAX_EXPANSIONS = 64
# Prefix, wildcard and fuzzy terms one query may hold; later ones are searched as words.
MAX_EXPANDING_TERMS = 4
# Unknown words "did you mean" looks for near words of, in one search.
MAX_SUGGESTED_WORDS = 3
# Matches collected, or words of the vocabulary read, between two looks at the clock.
MATCHES_BETWEEN_CHECKS = 256
WORDS_BETWEEN_CHECKS = 1024

_QMARKS = "?\u055e\u061f\u1367"  # what Whoosh's wildcard plugin takes for "?"
# Outside quotation marks (the text's quotes are balanced by then): a phrase, or a word.
_PIECE = re.compile(r'"[^"]*"|[^\s"()]+')
# A fuzzy mark as Whoosh's FuzzyTermPlugin reads it: ~, edits, /prefix, after a non-space.
_FUZZY = re.compile(r"(?<=\S)~(?P<edits>[0-9])?(?:/[1-9][0-9]*)?")
_WILDCARD = re.compile(rf"[*{_QMARKS}]")


class SearchLimits:
    """The time one search may take, counted from its start, and what its limits cut.

    One object per search (see syntax.one_search); the notes search, the "did you mean"
    check and every segment share it.
    """

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.deadline: float | None = None
        self.messages: list[str] = []

    def allow(self, seconds: float) -> None:
        """Give the search `seconds` from its start; the first caller decides."""
        if self.deadline is None:
            self.deadline = self.started + seconds

    @property
    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def tell(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)

    def out_of_time(self) -> None:
        seconds = (self.deadline or self.started) - self.started
        self.tell(
            f"This search took longer than {seconds:g} s and was stopped: the count, the "
            "facets and the passages shown cover only what it found until then. "
            "Fewer words with *, ? or ~, or a filter, will make it faster."
        )


def bounded_text(text: str) -> tuple[str, list[str]]:
    """The query text with its fuzzy distances at most MAX_EDITS and at most
    MAX_EXPANDING_TERMS expanding terms (later ones become plain words); and notes saying
    what changed. Done to the text, so that every backend searches the same thing."""
    notes: list[str] = []
    lowered: list[str] = []
    plain: list[str] = []
    expanding = 0

    def bound(found: re.Match) -> str:
        nonlocal expanding
        piece = found.group()
        if piece.startswith('"') or not _is_expanding(piece):
            return piece
        expanding += 1
        if expanding > MAX_EXPANDING_TERMS:
            plain.append(piece)
            return _FUZZY.sub("", _WILDCARD.sub("", piece))
        return _FUZZY.sub(lambda mark: _capped_edits(mark, piece, lowered), piece)

    text = _PIECE.sub(bound, text)
    if lowered:
        notes.append(
            f"A fuzzy search allows at most {MAX_EDITS} edits, so "
            + ", ".join(lowered)
            + (" was" if len(lowered) == 1 else " were")
            + f" searched with ~{MAX_EDITS}."
        )
    if plain:
        notes.append(
            f"Only the first {MAX_EXPANDING_TERMS} words with *, ? or ~ are expanded; "
            + ", ".join(plain)
            + (" was" if len(plain) == 1 else " were")
            + " searched as plain words."
        )
    return text, notes


def _is_expanding(word: str) -> bool:
    if _FUZZY.search(word):
        return True
    # "*" alone is every document (see syntax.for_search), not a word to expand.
    return bool(_WILDCARD.search(word)) and word.lstrip("+-") != "*"


def _capped_edits(mark: re.Match, word: str, lowered: list[str]) -> str:
    edits = mark.group("edits")
    if edits is None or int(edits) <= MAX_EDITS:
        return mark.group()
    lowered.append(word)
    return mark.group().replace(f"~{edits}", f"~{MAX_EDITS}", 1)


def expansion_cut(term: str) -> str:
    return (
        f"{term} matches too many words: only the first {MAX_EXPANSIONS:,} of them, in "
        "alphabetical order, were searched. Type more of the word to narrow it."
    )


_search_scope = threading.local()


@contextmanager
def one_search():
    """Within this block one set of limits holds (one time budget, and the messages
    saying what the limits cut: messages()), and what remembered() makes is made once:
    each query text is parsed once, each expanding term expanded once per segment.

    Whoosh expands such a term every time it is asked for it: to size it, then to match
    it, in every segment, and again for the notes search and the "did you mean" check.
    At 40,000 paragraphs each expansion reads the term file for about 10 ms. Nested
    blocks share the outer one; nothing is kept after the outermost ends.
    """
    if getattr(_search_scope, "memo", None) is not None:
        yield
        return
    _search_scope.memo, _search_scope.limits = {}, SearchLimits()
    try:
        yield
    finally:
        _search_scope.memo = _search_scope.limits = None


def current() -> SearchLimits:
    """This search's limits; outside one_search(), fresh ones starting now."""
    return getattr(_search_scope, "limits", None) or SearchLimits()


def messages() -> list[str]:
    """What the limits of this search (so far) cut, to tell the reader."""
    return list(current().messages)


def remembered(key: tuple, keep: object, make):
    """make(), once per search (see one_search); keep stays referenced meanwhile, so
    that an id() in the key is not reused."""
    memo = getattr(_search_scope, "memo", None)
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = (keep, make())
    return memo[key][1]
