"""The query language of the search box, and the analyzers that make it work.

Words must all match; "exact phrases", OR, NOT and -word, prefix*, and fuzzy~ work as a
reader expects. Stemmed words search the stemmed text ("elections" finds "election");
prefix, wildcard and fuzzy terms search an unstemmed copy, because stems break them
("goverment~" would otherwise look for "gover~").
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from whoosh import query
from whoosh.analysis import (
    LowercaseFilter,
    RegexTokenizer,
    ShingleFilter,
    StemFilter,
    StemmingAnalyzer,
    StopFilter,
)
from whoosh.analysis.tokenizers import default_pattern
from whoosh.codec.base import Automata
from whoosh.collectors import TimeLimit
from whoosh.fields import TEXT, Schema
from whoosh.qparser import (
    FieldsPlugin,
    FuzzyTermPlugin,
    PlusMinusPlugin,
    QueryParser,
    RangePlugin,
)

from search import limits

TEXT_FIELD = "text"
UNSTEMMED_FIELD = "exact"
SHINGLE_FIELD = "shingles"
# Readers' notes have fields of their own, so that nothing in a note (its words, their
# number) reaches the paragraphs' vocabulary, statistics or "did you mean".
NOTE_FIELDS = {
    TEXT_FIELD: "note_text",
    UNSTEMMED_FIELD: "note_exact",
    SHINGLE_FIELD: "note_shingles",
}
# The field that answers a two-word phrase of each stemmed field.
_SHINGLES_OF = {TEXT_FIELD: SHINGLE_FIELD, NOTE_FIELDS[TEXT_FIELD]: NOTE_FIELDS[SHINGLE_FIELD]}
MAX_QUERY_CHARS = 500

# What a word is, to the unstemmed analyzer and the highlighter: Whoosh's default.
WORD_PATTERN = default_pattern
STEMMING_ANALYZER = StemmingAnalyzer()
UNSTEMMED_ANALYZER = RegexTokenizer(WORD_PATTERN) | LowercaseFilter()
# Each pair of neighbouring stems, stop words left out as in the stemmed text, is one
# term: a two-word phrase is then one lookup instead of a position check per document.
SHINGLE_ANALYZER = (
    RegexTokenizer() | LowercaseFilter() | StopFilter() | StemFilter() | ShingleFilter(2, sep=" ")
)

_UNSTEMMED_QUERIES = (query.FuzzyTerm, query.Prefix, query.Wildcard)
# + and - only count at the start of a word: "left-of-centre" is one hyphenated word.
_PLUS = r"(?<![^\s(])\+(?=\S)"
_MINUS = r"(?<![^\s(])-(?=\S)"


# A fuzzy term keeps its first letter ("word~2/3" asks for more): misspellings rarely
# touch it, and scanning every word in the index instead costs twenty times more.
FUZZY_PREFIX = 1


class SearchQueryParser(QueryParser):
    """Whoosh's parser, with fuzzy and prefix terms sent to the unstemmed field."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        if fieldname == TEXT_FIELD and termclass in _UNSTEMMED_QUERIES:
            fieldname = UNSTEMMED_FIELD
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


class _FuzzyPlugin(FuzzyTermPlugin):
    def create(self, parser, match):
        node = super().create(parser, match)
        if match.group("prefix") is None:
            node.prefixlength = FUZZY_PREFIX
        return node


def make_parser(schema: Schema) -> SearchQueryParser:
    parser = SearchQueryParser(TEXT_FIELD, schema)
    # "field:value" must stay text: it would let anyone query internal fields.
    parser.remove_plugin_class(FieldsPlugin)
    parser.remove_plugin_class(RangePlugin)
    parser.add_plugin(_FuzzyPlugin())
    parser.add_plugin(PlusMinusPlugin(plusexpr=_PLUS, minusexpr=_MINUS))
    return parser


def text_field(**options) -> TEXT:
    """The stemmed text: hyphenated words search as phrases ("left-of-centre")."""
    return TEXT(analyzer=STEMMING_ANALYZER, multitoken_query="phrase", **options)


def unstemmed_field(**options) -> TEXT:
    return TEXT(analyzer=UNSTEMMED_ANALYZER, multitoken_query="phrase", **options)


def shingle_field(**options) -> TEXT:
    return TEXT(analyzer=SHINGLE_ANALYZER, phrase=False, **options)


_search_scope = threading.local()


@contextmanager
def one_search():
    """Within this block, each query text is parsed once, a fuzzy, prefix or wildcard
    term of a query run by for_search() is expanded into the words it matches once per
    segment, and one set of limits (search.limits) holds: one time budget, and the
    messages saying what the limits cut (limit_messages()).

    Whoosh expands such a term every time it is asked for it: to size it, then to match
    it, in every segment, and again for the notes search and the "did you mean" check.
    At 40,000 paragraphs each expansion reads the term file for about 10 ms. Nested
    blocks share the outer one; nothing is kept after the outermost ends.
    """
    if getattr(_search_scope, "memo", None) is not None:
        yield
        return
    _search_scope.memo, _search_scope.limits = {}, limits.SearchLimits()
    try:
        yield
    finally:
        _search_scope.memo = _search_scope.limits = None


def current_limits() -> limits.SearchLimits:
    """This search's limits; outside one_search(), fresh ones starting now."""
    return getattr(_search_scope, "limits", None) or limits.SearchLimits()


def limit_messages() -> list[str]:
    """What the limits of this search (so far) cut, to tell the reader."""
    return list(current_limits().messages)


def _remembered(key: tuple, keep: object, make):
    """make(), once per search (see one_search); keep stays referenced meanwhile, so
    that an id() in the key is not reused."""
    memo = getattr(_search_scope, "memo", None)
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = (keep, make())
    return memo[key][1]


class _ExpandedOnce:
    """Expanded once per segment per search, into MAX_EXPANSIONS words at most, and only
    within the search's time: each word costs a postings reader (about 1 ms)."""

    def _btexts(self, ixreader):
        return _remembered(
            ("expand", id(ixreader), repr(self)), ixreader, lambda: self._cut(ixreader)
        )

    def _cut(self, ixreader) -> list:
        bounds = current_limits()
        if bounds.expired:
            raise TimeLimit
        clocked = limits.ClockedReader(ixreader, bounds)
        words = list(islice(self._words(clocked), limits.MAX_EXPANSIONS + 1))
        if len(words) > limits.MAX_EXPANSIONS:
            bounds.tell(limits.expansion_cut(self._as_typed()))
            del words[limits.MAX_EXPANSIONS :]
        return words

    def _words(self, reader):
        return super()._btexts(reader)  # the Whoosh query's own expansion

    def _as_typed(self) -> str:
        return f"{self.text}*" if isinstance(self, query.Prefix) else str(self.text)


class _FuzzyTerm(_ExpandedOnce, query.FuzzyTerm):
    def _words(self, reader):
        """As a segment reader's terms_within() finds them, walking its words with a
        Levenshtein automaton; but the automaton is built once per search, not once
        per segment (50 ms for a long word at two edits)."""
        if not reader.is_atomic():
            return super()._words(reader)
        key = ("automaton", self.text, self.maxdist, self.prefixlength)
        automaton = _remembered(
            key, None, lambda: Automata.levenshtein_dfa(self.text, self.maxdist, self.prefixlength)
        )
        words = reader.schema[self.fieldname].spelling_fieldname(self.fieldname)
        return Automata.find_matches(automaton, reader.cursor(words))

    def _as_typed(self) -> str:
        return f"{self.text}~{self.maxdist}"


class _Prefix(_ExpandedOnce, query.Prefix):
    pass


class _Wildcard(_ExpandedOnce, query.Wildcard):
    pass


def _expanded_once(node: query.Query) -> query.Query:
    if type(node) is query.FuzzyTerm:
        return _FuzzyTerm(
            node.fieldname,
            node.text,
            node.boost,
            min(node.maxdist, limits.MAX_EDITS),
            node.prefixlength,
            node.constantscore,
        )
    if type(node) in (query.Prefix, query.Wildcard):
        kind = _Prefix if type(node) is query.Prefix else _Wildcard
        return kind(node.fieldname, node.text, node.boost, node.constantscore)
    return node


def for_search(node: query.Query) -> query.Query:
    """The query to run: each exact phrase answered from the shingles first, each fuzzy,
    prefix or wildcard term expanded once per search (see one_search), "*" as every
    document.

    Two words are one shingle; a longer phrase must hold all its shingles, so its
    positions are checked only in the few documents that do.
    """
    if isinstance(node, query.Phrase):
        shingles = _SHINGLES_OF.get(node.fieldname)
        if shingles is None or node.slop > 1 or len(node.words) < 2:
            return node
        pairs = [
            query.Term(shingles, f"{first} {second}", boost=node.boost)
            for first, second in zip(node.words, node.words[1:], strict=False)
        ]
        return pairs[0] if len(pairs) == 1 else query.And([*pairs, node])
    if isinstance(node, query.Every):
        # "*" alone: every document. Whoosh answers Every(field) by reading the postings
        # of every word of the field (seconds at 40,000 paragraphs); Every() by counting.
        return query.Every(boost=node.boost)
    if node.is_leaf():
        return _expanded_once(node)
    return node.apply(for_search)


def on_note_fields(node: query.Query) -> query.Query:
    """The same query, asked of the notes' fields instead of the paragraphs'."""
    if node.is_leaf() or isinstance(node, query.Phrase):
        fieldname = getattr(node, "fieldname", None)
        if fieldname not in NOTE_FIELDS:
            return node
        moved = node.copy()
        moved.fieldname = NOTE_FIELDS[fieldname]
        return moved
    return node.apply(on_note_fields)


# Enough of a schema to parse a query anywhere, without an index at hand.
QUERY_SCHEMA = Schema(**{TEXT_FIELD: text_field(), UNSTEMMED_FIELD: unstemmed_field()})
_QUERY_PARSER = make_parser(QUERY_SCHEMA)


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    query: query.Query
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.query is query.NullQuery or isinstance(self.query, type(query.NullQuery))


def parse(text: str, parser: SearchQueryParser | None = None) -> ParsedQuery:
    """Parse what a reader typed; never raises. Notes say what was ignored and why."""
    parser = parser or _QUERY_PARSER
    return _remembered(("parse", text, id(parser)), parser, lambda: _parse(text, parser))


def _parse(text: str, parser: SearchQueryParser) -> ParsedQuery:
    text = text.strip()[:MAX_QUERY_CHARS]
    notes = []
    if text.count('"') % 2:
        notes.append("The unmatched quotation mark was ignored.")
        last = text.rfind('"')
        text = text[:last] + text[last + 1 :]
    if text.count("(") != text.count(")"):
        notes.append("Unbalanced brackets were ignored.")
        text = text.replace("(", " ").replace(")", " ")
    text, bounds = limits.bounded_text(text)
    notes.extend(bounds)
    parsed = parser.parse(text)
    if parsed is None:
        parsed = query.NullQuery
    parsed = _whole_word_prefixes(parsed, notes)
    return ParsedQuery(text=text, query=parsed.normalize(), notes=tuple(notes))


def _whole_word_prefixes(node: query.Query, notes: list[str]) -> query.Query:
    """A fuzzy term asked to keep more letters than its word has ("a~2/3") keeps them all:
    the automaton that finds its words cannot be built otherwise."""
    if isinstance(node, query.FuzzyTerm) and node.prefixlength > len(node.text):
        notes.append(
            f"“{node.text}” has fewer than {node.prefixlength} letters to keep unchanged, "
            f"so all {len(node.text)} were kept."
        )
        node = node.copy()
        node.prefixlength = len(node.text)
        return node
    if node.is_leaf():
        return node
    return node.apply(lambda child: _whole_word_prefixes(child, notes))


def positive_leaves(node: query.Query):
    """The terms a match must contain: not those under NOT, which nothing shows."""
    if isinstance(node, query.Not):
        return
    if isinstance(node, query.AndNot):
        yield from positive_leaves(node.a)
        return
    if isinstance(node, query.Phrase) or node.is_leaf():
        yield node
        return
    for child in node.children():
        yield from positive_leaves(child)
