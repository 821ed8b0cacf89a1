"""The query language of the search box, parsed once into a tree that owes nothing to
any backend: each backend compiles the tree (search.backends.whoosh.compile,
search.backends.es_dsl), so that every backend searches the same query.

Words must all match; "exact phrases", OR, NOT and -word, +word, prefix*, wildcards and
fuzzy~ work as a reader expects. Words search the stemmed text ("elections" finds
"election"); prefix, wildcard and fuzzy terms search an unstemmed copy, because stems
break them ("goverment~" would otherwise look for "gover~"). "field:value" stays text:
nobody may query internal fields.

Whoosh's query parser tags the text (quotes, brackets, operators, marks); its syntax
nodes are read into the tree here, before any analysis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from whoosh.qparser import (
    FieldsPlugin,
    FuzzyTermPlugin,
    PlusMinusPlugin,
    QueryParser,
    RangePlugin,
)
from whoosh.qparser import syntax as nodes
from whoosh.qparser.plugins import PhrasePlugin, PrefixPlugin, WildcardPlugin
from whoosh.support.charset import accent_map

from search import limits

TEXT_FIELD = "text"
UNSTEMMED_FIELD = "exact"
SHINGLE_FIELD = "shingles"
# Readers' notes have fields of their own, so that nothing in a note (its words, their
# number) reaches the paragraphs' vocabulary, statistics or "did you mean".
NOTE_FIELDS = {
    TEXT_FIELD: "note_text",
    UNSTEMMED_FIELD: "note_terms",
    SHINGLE_FIELD: "note_shingles",
}
# The notes' unstemmed words are indexed as "<audience>|<word>", the audience being the
# note's own (annotations.permissions): a term that stands for the words it matches is
# expanded among the words of one audience's notes at a time (see on_note_fields).
NOTE_TERM_SEPARATOR = "|"
MAX_QUERY_CHARS = 500
# A fuzzy term keeps its first letter ("word~2/3" asks for more): misspellings rarely
# touch it, and scanning every word in the index instead costs twenty times more.
FUZZY_PREFIX = 1
# What Whoosh's wildcard plugin takes for "?" and "*".
_WILDCARDS = frozenset("*?\u055e\u061f\u1367")
# + and - only count at the start of a word: "left-of-centre" is one hyphenated word.
_PLUS = r"(?<![^\s(])\+(?=\S)"
_MINUS = r"(?<![^\s(])-(?=\S)"


# The tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word as typed, searched by what the field's analysis makes of it (a hyphenated
    word is several: a phrase). span is where it stands in the query text."""

    text: str
    field: str = TEXT_FIELD
    boost: float = 1.0
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Phrase:
    """Words in this order; slop 1 is next to each other, as Whoosh counts it."""

    text: str
    field: str = TEXT_FIELD
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Words that start with the text; with an audience, among the words of that
    audience's notes only (see note_term)."""

    text: str
    field: str = UNSTEMMED_FIELD
    boost: float = 1.0
    audience: str | None = None


@dataclass(frozen=True)
class Wildcard:
    """A pattern with * (any letters) and ? (one letter); audience as for Prefix."""

    text: str
    field: str = UNSTEMMED_FIELD
    boost: float = 1.0
    audience: str | None = None


@dataclass(frozen=True)
class Fuzzy:
    """Words at most `edits` edits away, their first `prefix` letters unchanged;
    audience as for Prefix."""

    text: str
    edits: int = 1
    prefix: int = FUZZY_PREFIX
    field: str = UNSTEMMED_FIELD
    boost: float = 1.0
    audience: str | None = None


@dataclass(frozen=True)
class Every:
    """Every document: "*" alone."""


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class AndNot:
    """What `keep` matches but `drop` does not ("a -b")."""

    keep: Node
    drop: Node


@dataclass(frozen=True)
class AndMaybe:
    """What `required` matches, ranked higher where `optional` matches too ("+a b")."""

    required: Node
    optional: Node


Leaf = Term | Phrase | Prefix | Wildcard | Fuzzy
Node = Leaf | Every | And | Or | Not | AndNot | AndMaybe
LEAVES = (Term, Phrase, Prefix, Wildcard, Fuzzy)


@dataclass(frozen=True)
class ParsedQuery:
    """What was searched (the text after its bounds), its tree, and notes saying what
    was ignored or changed and why. tree is None when there is nothing to search."""

    text: str
    tree: Node | None
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.tree is None


# Parsing -------------------------------------------------------------------------------


class _FuzzyPlugin(FuzzyTermPlugin):
    def create(self, parser, match):
        node = super().create(parser, match)
        if match.group("prefix") is None:
            node.prefixlength = FUZZY_PREFIX
        return node


def _make_tagger() -> QueryParser:
    parser = QueryParser(TEXT_FIELD, None)
    # "field:value" must stay text: it would let anyone query internal fields.
    parser.remove_plugin_class(FieldsPlugin)
    parser.remove_plugin_class(RangePlugin)
    parser.add_plugin(_FuzzyPlugin())
    parser.add_plugin(PlusMinusPlugin(plusexpr=_PLUS, minusexpr=_MINUS))
    return parser


_TAGGER = _make_tagger()


def parse(text: str) -> ParsedQuery:
    """Parse what a reader typed, once per search (see limits.one_search); never raises."""
    return limits.remembered(("parse", text), None, lambda: _parse(text))


def _parse(text: str) -> ParsedQuery:
    text = text.strip()[:MAX_QUERY_CHARS]
    notes: list[str] = []
    if text.count('"') % 2:
        notes.append("The unmatched quotation mark was ignored.")
        last = text.rfind('"')
        text = text[:last] + text[last + 1 :]
    if text.count("(") != text.count(")"):
        notes.append("Unbalanced brackets were ignored.")
        text = text.replace("(", " ").replace(")", " ")
    text, bounds = limits.bounded_text(text)
    notes.extend(bounds)
    tree = _read(_TAGGER.process(text), notes)
    return ParsedQuery(text=text, tree=tree, notes=tuple(notes))


def _read(node, notes: list[str], scale: float = 1.0) -> Node | None:
    """The tree of a Whoosh syntax node; None for what searches nothing. A group's boost
    ("(a b)^2") is its words' boost."""
    boost = getattr(node, "boost", 1.0) * scale
    if isinstance(node, nodes.GroupNode):
        read = [_read(child, notes, boost) for child in node.nodes]
    if isinstance(node, nodes.AndNotGroup | nodes.AndMaybeGroup):
        first, second = read
        if first is None or second is None:
            return first  # with nothing to keep, nothing is found: Whoosh's rule
        kind = AndMaybe if isinstance(node, nodes.AndMaybeGroup) else AndNot
        return kind(first, second)
    if isinstance(node, nodes.NotGroup):
        return Not(read[0]) if read and read[0] is not None else None
    if isinstance(node, nodes.GroupNode):
        children = tuple(child for child in read if child is not None)
        if len(children) < 2:
            return children[0] if children else None
        return Or(children) if isinstance(node, nodes.OrGroup) else And(children)
    if isinstance(node, PhrasePlugin.PhraseNode):
        return Phrase(node.text, slop=node.slop, boost=boost)
    if isinstance(node, FuzzyTermPlugin.FuzzyTermNode):
        return _fuzzy(node, boost, notes)
    if isinstance(node, PrefixPlugin.PrefixNode):
        return Prefix(node.text, boost=boost)
    if isinstance(node, WildcardPlugin.WildcardNode):
        return _wildcard(node.text, boost)
    if isinstance(node, nodes.TextNode) and node.text:
        return Term(node.text, boost=boost, span=(node.startchar, node.endchar))
    return None


def _fuzzy(node, boost: float, notes: list[str]) -> Fuzzy:
    prefix = node.prefixlength
    if prefix > len(node.text):
        # "a~2/3" asks to keep more letters than the word has: it keeps them all (the
        # automaton that finds its words cannot be built otherwise).
        notes.append(
            f"“{node.text}” has fewer than {prefix} letters to keep unchanged, "
            f"so all {len(node.text)} were kept."
        )
        prefix = len(node.text)
    return Fuzzy(node.text, min(node.maxdist, limits.MAX_EDITS), prefix, boost=boost)


def _wildcard(text: str, boost: float) -> Node:
    if text == "*":
        return Every()  # "*" alone: every document, not every word
    if text.endswith("*") and not _WILDCARDS & set(text[:-1]):
        return Prefix(text[:-1], boost=boost)
    return Wildcard(text, boost=boost)


# Reading the tree ----------------------------------------------------------------------


def positive_leaves(node: Node | None) -> Iterator[Leaf]:
    """The terms a match must or may contain: not those under NOT, which nothing shows."""
    if node is None or isinstance(node, Not | Every):
        return
    if isinstance(node, LEAVES):
        yield node
    elif isinstance(node, AndNot):
        yield from positive_leaves(node.keep)
    elif isinstance(node, AndMaybe):
        yield from positive_leaves(node.required)
        yield from positive_leaves(node.optional)
    else:
        for child in node.children:
            yield from positive_leaves(child)


def transformed(node: Node, leaf: Callable[[Leaf], Node]) -> Node:
    """The same tree with each leaf replaced by leaf(it)."""
    if isinstance(node, LEAVES):
        return leaf(node)
    if isinstance(node, And | Or):
        return type(node)(tuple(transformed(child, leaf) for child in node.children))
    if isinstance(node, Not):
        return Not(transformed(node.child, leaf))
    if isinstance(node, AndNot):
        return AndNot(transformed(node.keep, leaf), transformed(node.drop, leaf))
    if isinstance(node, AndMaybe):
        return AndMaybe(transformed(node.required, leaf), transformed(node.optional, leaf))
    return node


def on_note_fields(node: Node, audiences) -> Node:
    """The same query, asked of the notes' fields instead of the paragraphs', for a
    viewer who holds these audiences (at least one).

    A prefix, wildcard or fuzzy term stands for the words it matches, and how many it
    matches shows (the cap on expansions says so, and cuts them alphabetically): so it is
    expanded among the words of each audience's notes in turn, never among words of
    notes the viewer may not see.
    """
    audiences = sorted(audiences)

    def move(leaf: Leaf) -> Node:
        moved = replace(leaf, field=NOTE_FIELDS[leaf.field])
        if isinstance(leaf, Term | Phrase):
            return moved
        each = tuple(replace(moved, audience=audience) for audience in audiences)
        return each[0] if len(each) == 1 else Or(each)

    return transformed(node, move)


def fold(lowered: str) -> str:
    """Lower-cased text with its accents taken off, as every analyzer indexes words:
    "Schroder" finds "Schröder". Prefix, wildcard and fuzzy terms skip analysis, so they
    fold here. ASCII is left as it is: on lower-cased ASCII the accent map changes
    nothing, and translating every word was a twentieth of ingest and of a snippet."""
    return lowered if lowered.isascii() else lowered.translate(accent_map)


def note_term(leaf: Prefix | Wildcard | Fuzzy) -> tuple[str, int]:
    """A term's text as the notes' words are indexed (lower-cased, after its audience),
    and how many characters of it the audience takes."""
    text = fold(leaf.text.lower())
    if leaf.audience is None:
        return text, 0
    head = f"{leaf.audience}{NOTE_TERM_SEPARATOR}"
    return head + text, len(head)


def indexed_note_terms(audience: str, words) -> str:
    """A note's words, as its index document holds them (see note_term)."""
    return " ".join(f"{audience}{NOTE_TERM_SEPARATOR}{word}" for word in words)
