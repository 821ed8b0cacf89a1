"""Mark the words a query matched, in snippets and in the reader, always escaped.

Whoosh's own highlighter runs one analyzer, but a query here matches two ways: stemmed
words against stems, and prefix or fuzzy terms against the unstemmed word. So tokens are
marked here, then Whoosh's fragmenter and (escaping) formatter do the rest.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.analysis import Token
from whoosh.highlight import (
    BasicFragmentScorer,
    ContextFragmenter,
    HtmlFormatter,
    WholeFragmenter,
    top_fragments,
)
from whoosh.lang.porter import stem
from whoosh.support.levenshtein import damerau_levenshtein

from search import syntax
from search.backends.whoosh.schema import STEMMING_ANALYZER, WORD_PATTERN

SNIPPET_CHARS = 240
SNIPPET_SURROUND = 60
ELLIPSIS = "…"

_stem = lru_cache(maxsize=50_000)(stem)


class _MarkFormatter(HtmlFormatter):
    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self):
        super().__init__(tagname="mark", between=f" {ELLIPSIS} ")


class Highlighter:
    """Knows which words of a text a parsed query matches."""

    def __init__(self, tree: syntax.Node | None):
        self.stems: set[str] = set()
        self.prefixes: list[str] = []
        self.patterns: list[re.Pattern] = []
        self.fuzzy: list[tuple[str, int, int]] = []
        # A paragraph repeats its words, and hits share them: decide each word once.
        self._verdicts: dict[str, bool] = {}
        for leaf in syntax.positive_leaves(tree):
            self._add(leaf)

    def _add(self, leaf: syntax.Leaf) -> None:
        if isinstance(leaf, syntax.Term | syntax.Phrase):
            self.stems.update(token.text for token in STEMMING_ANALYZER(leaf.text, mode="query"))
        elif isinstance(leaf, syntax.Fuzzy):
            self.fuzzy.append((syntax.fold(leaf.text.lower()), leaf.edits, leaf.prefix))
        elif isinstance(leaf, syntax.Prefix):
            self.prefixes.append(syntax.fold(leaf.text.lower()))
        elif isinstance(leaf, syntax.Wildcard):
            self.patterns.append(re.compile(fnmatch.translate(syntax.fold(leaf.text.lower()))))

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes or self.patterns or self.fuzzy)

    def matches(self, word: str) -> bool:
        """Whether a lower-cased, accent-folded word of the text matches the query."""
        verdict = self._verdicts.get(word)
        if verdict is None:
            verdict = self._verdicts[word] = self._decide(word)
        return verdict

    def _decide(self, word: str) -> bool:
        if _stem(word) in self.stems:
            return True
        if any(word.startswith(prefix) for prefix in self.prefixes):
            return True
        if any(pattern.match(word) for pattern in self.patterns):
            return True
        return any(
            word[:length] == text[:length] and damerau_levenshtein(word, text, limit) <= limit
            for text, limit, length in self.fuzzy
        )

    def _tokens(self, text: str):
        """The unstemmed analyzer's tokens, marked. Made here rather than by the analyzer
        (same pattern, lower-cased, folded), which costs three times as much per word; one Token
        is reused, as Whoosh's tokenizers do, and the fragmenter copies those it keeps."""
        token = Token(positions=False, chars=True, removestops=False, mode="index")
        for found in WORD_PATTERN.finditer(text):
            token.text = syntax.fold(found.group().lower())
            token.startchar, token.endchar = found.span()
            token.matched = self.matches(token.text)
            yield token

    def snippet(self, text: str, max_chars: int = SNIPPET_CHARS) -> SafeString:
        """The best passage(s) of the text, escaped, with the matches in <mark>."""
        if len(text) <= max_chars:
            return self.mark(text)
        formatter = _MarkFormatter()
        fragmenter = ContextFragmenter(maxchars=max_chars, surround=SNIPPET_SURROUND)
        fragments = list(fragmenter.fragment_tokens(text, self._tokens(text))) if self else []
        best = top_fragments(fragments, 2, BasicFragmentScorer(), order=_by_position)
        if not best:
            return _lead(text, max_chars)
        for fragment in best:
            _to_whole_words(fragment)
        pieces = [formatter.format_fragment(fragment) for fragment in best]
        html = f" {ELLIPSIS} ".join(pieces)
        if best[0].startchar > 0:
            html = f"{ELLIPSIS} {html}"
        if best[-1].endchar < len(text):
            html = f"{html} {ELLIPSIS}"
        return mark_safe(html)

    def mark(self, text: str) -> SafeString:
        """The whole text, escaped, with the matches in <mark>."""
        if not self:
            return escape(text)
        (fragment,) = WholeFragmenter().fragment_tokens(text, self._tokens(text))
        if not fragment.matches:
            return escape(text)
        return mark_safe(_MarkFormatter().format_fragment(fragment))


# How far a snippet's edge may move to take in the rest of a word it cuts.
WORD_REACH = 30
_SPACE = re.compile(r"\s")


def _to_whole_words(fragment) -> None:
    """Widen a fragment to the spaces around it: the fragmenter cuts at its own tokens,
    which end at an apostrophe or a hyphen ("… s press team")."""
    text = fragment.text
    start = fragment.startchar
    while (
        start > 0 and fragment.startchar - start < WORD_REACH and not _SPACE.match(text[start - 1])
    ):
        start -= 1
    end = fragment.endchar
    while end < len(text) and end - fragment.endchar < WORD_REACH and not _SPACE.match(text[end]):
        end += 1
    fragment.startchar, fragment.endchar = start, end


def _by_position(fragment) -> int:
    return fragment.startchar


def _lead(text: str, max_chars: int) -> SafeString:
    if len(text) <= max_chars:
        return escape(text)
    cut = text.rfind(" ", 0, max_chars)
    return mark_safe(escape(text[: cut if cut > 0 else max_chars]) + f" {ELLIPSIS}")
