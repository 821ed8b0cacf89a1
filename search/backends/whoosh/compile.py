"""The query's tree (search.syntax) as a Whoosh query, ready to run.

Each word is analysed as its field analyses text (Whoosh's own term_query); each exact
phrase is answered from the shingles first; each fuzzy, prefix or wildcard term is
expanded into the words it matches once per segment per search, into MAX_EXPANSIONS
words at most and within the search's time (search.limits).
"""

from __future__ import annotations

from itertools import islice

from whoosh import query
from whoosh.codec.base import Automata
from whoosh.collectors import TimeLimit
from whoosh.matching import AndNotMatcher
from whoosh.qparser import QueryParser

from search import limits, syntax
from search.backends.whoosh.clock import ClockedReader
from search.backends.whoosh.schema import SHINGLES_OF

_COMPOUNDS = {syntax.And: query.And, syntax.Or: query.Or}


def compiled(tree: syntax.Node | None, analyser: QueryParser) -> query.Query:
    """The query to run for a tree: NullQuery for none."""
    if tree is None:
        return query.NullQuery
    return for_search(_whoosh(tree, analyser).normalize())


def matched(tree: syntax.Node | None, analyser: QueryParser) -> query.Query:
    """The tree as Whoosh's parser would give it, unexpanded: what a highlighter reads."""
    return query.NullQuery if tree is None else _whoosh(tree, analyser).normalize()


def _whoosh(node: syntax.Node, analyser: QueryParser) -> query.Query:
    if isinstance(node, syntax.LEAVES):
        return _leaf(node, analyser) or query.NullQuery
    if isinstance(node, syntax.Every):
        return query.Every()
    if isinstance(node, syntax.Not):
        return query.Not(_whoosh(node.child, analyser))
    if isinstance(node, syntax.AndNot):
        return AndNot(_whoosh(node.keep, analyser), _whoosh(node.drop, analyser))
    if isinstance(node, syntax.AndMaybe):
        return query.AndMaybe(_whoosh(node.required, analyser), _whoosh(node.optional, analyser))
    children = [_whoosh(child, analyser) for child in node.children]
    return _COMPOUNDS[type(node)](children)


def _leaf(leaf: syntax.Leaf, analyser: QueryParser) -> query.Query | None:
    if isinstance(leaf, syntax.Phrase):
        field = analyser.schema[leaf.field]
        words = [token.text for token in field.tokenize(leaf.text, mode="query")]
        return query.Phrase(leaf.field, words, slop=leaf.slop, boost=leaf.boost)
    if isinstance(leaf, syntax.Term):
        found = analyser.term_query(leaf.field, leaf.text, query.Term, boost=leaf.boost)
        if found is not None and leaf.span:
            found.startchar, found.endchar = leaf.span
        return found
    # Marks are not words: the text is lower-cased, not split or stemmed.
    text, head = syntax.note_term(leaf)
    if isinstance(leaf, syntax.Fuzzy):
        prefix = head + min(leaf.prefix, len(leaf.text))
        return _FuzzyTerm(leaf.field, text, leaf.boost, leaf.edits, prefix, typed=leaf.text)
    kind = _Prefix if isinstance(leaf, syntax.Prefix) else _Wildcard
    return kind(leaf.field, text, leaf.boost, typed=leaf.text)


def for_search(node: query.Query) -> query.Query:
    """Each exact phrase answered from the shingles first, each fuzzy, prefix or wildcard
    term expanded once per search, "*" as every document.

    Two words are one shingle; a longer phrase must hold all its shingles, so its
    positions are checked only in the few documents that do.
    """
    if isinstance(node, query.Phrase):
        shingles = SHINGLES_OF.get(node.fieldname)
        if shingles is None or node.slop > 1 or len(node.words) < 2:
            return node
        pairs = [
            query.Term(shingles, f"{first} {second}", boost=node.boost)
            for first, second in zip(node.words, node.words[1:], strict=False)
        ]
        return pairs[0] if len(pairs) == 1 else query.And([*pairs, node])
    if isinstance(node, query.Every):
        # Whoosh answers Every(field) by reading the postings of every word of the field
        # (seconds at 40,000 paragraphs); Every() by counting.
        return query.Every(boost=node.boost)
    if node.is_leaf():
        return node
    return node.apply(for_search)


class _ExpandedOnce:
    """Expanded once per segment per search, into MAX_EXPANSIONS words at most, and only
    within the search's time: each word costs a postings reader (about 1 ms). typed is
    the word as the reader typed it, for messages."""

    def __init__(self, *args, typed: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.typed = typed

    def __repr__(self) -> str:
        return f"{super().__repr__()}:{self.typed}"

    def _btexts(self, ixreader):
        return limits.remembered(
            ("expand", id(ixreader), repr(self)), ixreader, lambda: self._cut(ixreader)
        )

    def _cut(self, ixreader) -> list:
        bounds = limits.current()
        if bounds.expired:
            raise TimeLimit
        clocked = ClockedReader(ixreader, bounds)
        words = list(islice(self._words(clocked), limits.MAX_EXPANSIONS + 1))
        if len(words) > limits.MAX_EXPANSIONS:
            bounds.tell(limits.expansion_cut(self._as_typed()))
            del words[limits.MAX_EXPANSIONS :]
        return words

    def _words(self, reader):
        return super()._btexts(reader)  # the Whoosh query's own expansion

    def _as_typed(self) -> str:
        return f"{self.typed.lower()}*" if isinstance(self, query.Prefix) else self.typed.lower()


class _FuzzyTerm(_ExpandedOnce, query.FuzzyTerm):
    def _words(self, reader):
        """As a segment reader's terms_within() finds them, walking its words with a
        Levenshtein automaton; but the automaton is built once per search, not once
        per segment (50 ms for a long word at two edits)."""
        if not reader.is_atomic():
            return super()._words(reader)
        key = ("automaton", self.text, self.maxdist, self.prefixlength)
        automaton = limits.remembered(
            key, None, lambda: Automata.levenshtein_dfa(self.text, self.maxdist, self.prefixlength)
        )
        words = reader.schema[self.fieldname].spelling_fieldname(self.fieldname)
        return Automata.find_matches(automaton, reader.cursor(words))

    def _as_typed(self) -> str:
        return f"{self.typed.lower()}~{self.maxdist}"


class _Prefix(_ExpandedOnce, query.Prefix):
    pass


class _Wildcard(_ExpandedOnce, query.Wildcard):
    pass


class AndNot(query.AndNot):
    """Whoosh 2.7.4's AndNot kept its first match whenever the excluded words' matcher
    had not reached that document yet: "corbyn -labour" found a paragraph saying both.
    This one moves the excluded matcher up to the first match before deciding."""

    def matcher(self, searcher, context=None):
        kept = self.a.matcher(searcher, context)
        dropped = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(kept, dropped)


class _AndNotMatcher(AndNotMatcher):
    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()
