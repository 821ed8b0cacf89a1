""" "Did you mean": the query's unknown words replaced by the nearest words of the
paragraphs' own vocabulary (notes have fields of their own), only if that finds more."""

from __future__ import annotations

from whoosh import query as wq
from whoosh.spelling import Corrector

from search import syntax
from search.backends import SUGGEST_PREFIX
from search.backends.whoosh.collection import Scope, budgeted_limits, collect
from search.limits import MAX_SUGGESTED_WORDS


def suggestion(parsed: syntax.ParsedQuery, searcher, hits: int, scope: Scope, run) -> str | None:
    """The query with its unknown words replaced by the nearest words in the index, if
    that finds more than the query did within the same scope: a word from someone's
    private note is never suggested to anyone searching paragraphs. run(tree) is the
    Whoosh query of a tree."""
    reader = searcher.reader()
    corrector = SegmentwiseCorrector(reader, syntax.UNSTEMMED_FIELD)
    text = parsed.text
    replacements = []
    looked_up = 0
    for leaf in syntax.positive_leaves(parsed.tree):
        if not isinstance(leaf, syntax.Term) or leaf.field != syntax.TEXT_FIELD or not leaf.span:
            continue
        start, end = leaf.span
        word = syntax.fold(text[start:end].lower())
        if not word.isalpha() or reader.frequency(syntax.UNSTEMMED_FIELD, word):
            continue
        # Each look-up costs a walk of every segment's words: a few per search.
        looked_up += 1
        if looked_up > MAX_SUGGESTED_WORDS or budgeted_limits().expired:
            break
        # One edit first: it is the common typo and costs half of two.
        found = corrector.suggest(word, limit=1, maxdist=1, prefix=SUGGEST_PREFIX)
        found = found or corrector.suggest(word, limit=1, maxdist=2, prefix=SUGGEST_PREFIX)
        if found and found[0] != word:
            replacements.append((start, end, found[0]))
    if not replacements:
        return None
    for start, end, word in sorted(replacements, reverse=True):
        text = text[:start] + word + text[end:]
    corrected = syntax.parse(text)
    if corrected.is_empty:
        return None
    query = wq.And([run(corrected.tree), *scope.conditions])
    _, found = collect(searcher, query, 1, None, scope.mask)
    return text if len(found) > hits else None


class SegmentwiseCorrector(Corrector):
    """Whoosh's reader corrector, asking each segment for the words near a misspelling.

    A segment walks its word list with an automaton; a reader of several segments falls
    back to computing the distance to every word of the lexicon in Python (150 ms at
    1,000 articles, against 3 ms a segment). Ranked as Whoosh ranks them: by the edit
    distance allowed, then by frequency in the whole index.
    """

    def __init__(self, reader, fieldname: str):
        self.reader, self.fieldname = reader, fieldname

    def _suggestions(self, text, maxdist, prefix):
        seen = set()
        for leaf, _ in self.reader.leaf_readers():
            for word in leaf.terms_within(self.fieldname, text, maxdist, prefix=prefix):
                if word in seen:
                    continue
                seen.add(word)
                frequency = self.reader.frequency(self.fieldname, word) or 1
                yield 0 - (maxdist + 0.5 / frequency), word
