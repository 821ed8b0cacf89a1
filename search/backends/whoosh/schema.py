"""The Whoosh index's fields and how their text is analysed.

Stemmed words search the stemmed text; prefix, wildcard and fuzzy terms an unstemmed
copy; two-word phrases a field of neighbouring stem pairs ("shingles"). Facet and
keyword fields are ID columns, so facet values come back as stored.
"""

from __future__ import annotations

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    ShingleFilter,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.support.charset import accent_map

from search import syntax
from search.syntax import NOTE_FIELDS, SHINGLE_FIELD, TEXT_FIELD, UNSTEMMED_FIELD

# What a word is, to the unstemmed analyzer and the highlighter: Whoosh's default.
WORD_PATTERN = default_pattern
# Accents are folded for matching ("Schroder" finds "Schröder"); the stored text, and
# so every snippet, keeps them. Changing an analyzer means rebuild_index.


class AccentFold(CharsetFilter):
    """Whoosh's CharsetFilter for tokens already lowercased, folding as search.syntax
    does (which leaves ASCII words alone)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = syntax.fold(token.text)
            yield token


FOLD = AccentFold(accent_map)
# Whoosh's StemmingAnalyzer, folding accents before the stop words and the stems.
STEMMING_ANALYZER = (
    RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | FOLD | StopFilter() | StemFilter()
)
UNSTEMMED_ANALYZER = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | FOLD
# Each pair of neighbouring stems, stop words left out as in the stemmed text, is one
# term: a two-word phrase is then one lookup instead of a position check per document.
SHINGLE_ANALYZER = (
    RegexTokenizer()
    | LowercaseFilter()
    | FOLD
    | StopFilter()
    | StemFilter()
    | ShingleFilter(2, sep=" ")
)
# The field that answers a two-word phrase of each stemmed field.
SHINGLES_OF = {TEXT_FIELD: SHINGLE_FIELD, NOTE_FIELDS[TEXT_FIELD]: NOTE_FIELDS[SHINGLE_FIELD]}


def text_field(**options) -> TEXT:
    """The stemmed text: hyphenated words search as phrases ("left-of-centre")."""
    return TEXT(analyzer=STEMMING_ANALYZER, multitoken_query="phrase", **options)


def unstemmed_field(**options) -> TEXT:
    return TEXT(analyzer=UNSTEMMED_ANALYZER, multitoken_query="phrase", **options)


def shingle_field(**options) -> TEXT:
    return TEXT(analyzer=SHINGLE_ANALYZER, phrase=False, **options)


def note_terms_field() -> KEYWORD:
    """The notes' words, each after its note's audience, lower-cased already."""
    return KEYWORD(lowercase=False, commas=False, scorable=True, stored=False)


def field_for(field_type: str, document: bool):
    """The Whoosh field of a haystack field type (search.fields), or None for haystack's
    own choice."""
    if document:
        return text_field(stored=True)
    return {
        "stemmed": lambda: text_field(stored=False),
        "keyword": lambda: ID(stored=True, sortable=True),
        "unstemmed": lambda: unstemmed_field(stored=False),
        "shingles": lambda: shingle_field(stored=False),
        "tag_tokens": lambda: KEYWORD(
            lowercase=False, commas=False, scorable=False, stored=False, sortable=True
        ),
        "audience_terms": note_terms_field,
        "stored": STORED,
        "sortable_integer": lambda: NUMERIC(numtype=int, bits=64, stored=True, sortable=True),
    }.get(field_type, lambda: None)()


def analyser(schema: Schema) -> QueryParser:
    """Whoosh's parser, used for its term_query() alone: the word of a leaf of the
    query's tree as the field's analysis makes it (a stem, a phrase, nothing)."""
    return QueryParser(TEXT_FIELD, schema)


# Enough of a schema to analyse a query anywhere, without an index at hand.
QUERY_SCHEMA = Schema(
    **{
        TEXT_FIELD: text_field(),
        UNSTEMMED_FIELD: unstemmed_field(),
        NOTE_FIELDS[TEXT_FIELD]: text_field(),
        NOTE_FIELDS[UNSTEMMED_FIELD]: note_terms_field(),
    }
)
