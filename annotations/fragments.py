"""Links to a passage in the article's original page, by a URL text fragment:
`https://example.com/story#:~:text=prefix-,start,end,-suffix` (WICG Scroll to Text
Fragment), which browsers scroll to and highlight.

Browsers match a text directive's terms only at word boundaries, and a single term only
within one block (a paragraph); textStart,textEnd may span several. So the passage is
widened to whole words of its paragraphs, a long or multi-paragraph one is named by its
first and last few words, and the context is the whole words beside it in the same
paragraph. Whitespace is collapsed as browsers collapse it when they match. Plain
Python: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urldefrag

from archive.parsing import is_web_address

# A passage longer than this is named by its first and last words, not spelled out.
MAX_EXACT_CHARS = 300
EDGE_WORDS = 5
CONTEXT_WORDS = 3
_WORD_CHAR = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Passage:
    """A passage as offsets in its first and last paragraphs' text (the same paragraph
    for one that does not run on)."""

    start_text: str
    start: int
    end_text: str
    end: int
    one_paragraph: bool


def encode_term(term: str) -> str:
    """Percent-encoded as the directive needs: its own syntax characters (`-`, `,`, `&`)
    as well as everything a fragment may not hold; `quote` leaves `-` alone, since a URL
    allows it, so it is encoded here."""
    return quote(" ".join(term.split()), safe="").replace("-", "%2D")


def directive(passage: Passage) -> str:
    """`text=[prefix-,]textStart[,textEnd][,-suffix]`, each term encoded."""
    start = _word_start(passage.start_text, passage.start)
    end = _word_end(passage.end_text, passage.end)
    prefix = _last_words(passage.start_text[:start], CONTEXT_WORDS)
    suffix = _first_words(passage.end_text[end:], CONTEXT_WORDS)
    if passage.one_paragraph:
        exact = passage.start_text[start:end]
        if len(exact) <= MAX_EXACT_CHARS:
            terms = [exact]
        else:
            terms = [_first_words(exact, EDGE_WORDS), _last_words(exact, EDGE_WORDS)]
    else:
        first = _first_words(passage.start_text[start:], EDGE_WORDS)
        last = _last_words(passage.end_text[:end], EDGE_WORDS)
        terms = [first, last]
    parts = [encode_term(term) for term in terms if term.strip()]
    if not parts:
        return ""
    if prefix:
        parts.insert(0, encode_term(prefix) + "-")
    if suffix:
        parts.append("-" + encode_term(suffix))
    return "text=" + ",".join(parts)


def link(original_url: str, passage: Passage) -> str:
    """The original page's address with a text fragment for the passage (any fragment
    the address had is replaced); the address alone if the passage has no words; "" for
    an address that is not on the web (a `javascript:` one written into the database
    past every form's check must not become a link in a page or an export)."""
    if not is_web_address(original_url):
        return ""
    page, _ = urldefrag(original_url)
    text = directive(passage)
    return f"{page}#:~:{text}" if text else page


def _word_start(text: str, at: int) -> int:
    while 0 < at <= len(text) and _is_word(text[at - 1]) and _is_word(text[at : at + 1]):
        at -= 1
    return at


def _word_end(text: str, at: int) -> int:
    while 0 < at < len(text) and _is_word(text[at - 1]) and _is_word(text[at]):
        at += 1
    return at


def _is_word(character: str) -> bool:
    return bool(character) and bool(_WORD_CHAR.match(character))


def _first_words(text: str, count: int) -> str:
    return " ".join(text.split()[:count])


def _last_words(text: str, count: int) -> str:
    words = text.split()
    return " ".join(words[-count:]) if words else ""
