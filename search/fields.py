"""Haystack field types that say how a value is searched, not only what it holds.

Haystack turns every CharField into stemmed text, which mangles facet values ("reuters"
comes back "reuter"). The backend maps these types to fitting Whoosh fields instead.
"""

from haystack import indexes

# Stands in for a missing value, so every document falls in exactly one facet bucket.
NONE = "__none__"
# Stands for the values past a facet's limit, folded into one bucket.
OTHER = "__other__"
# Joins a facet value to its label in one keyword, so labels need no database query.
LABEL_SEPARATOR = "\x1f"


class KeywordField(indexes.CharField):
    """One exact value, for filters, facets and sorting: never analysed."""

    field_type = "keyword"

    def prepare(self, obj):
        value = super().prepare(obj)
        return NONE if value in (None, "") else str(value)


class StemmedTextField(indexes.CharField):
    """Text searched by stems, like the document field, but not the document field."""

    field_type = "stemmed"


class UnstemmedTextField(indexes.CharField):
    """The text, lower-cased but not stemmed: prefix, fuzzy and spelling work on it."""

    field_type = "unstemmed"


class ShingleField(indexes.CharField):
    """The text again, as pairs of neighbouring stems, to answer phrases quickly."""

    field_type = "shingles"


class AudienceTermsField(indexes.CharField):
    """Words as "<audience>|<word>" (see search.syntax.note_term), space-separated: each
    audience's vocabulary apart from the others'."""

    field_type = "audience_terms"


class TagTokensField(indexes.CharField):
    """Tag tokens that say who may see them (see search.tagging), space-separated."""

    field_type = "tag_tokens"


class StoredField(indexes.CharField):
    """Kept to show in results; never searched."""

    field_type = "stored"

    def __init__(self, **kwargs):
        kwargs.setdefault("indexed", False)
        kwargs.setdefault("null", True)
        super().__init__(**kwargs)


class SortableIntegerField(indexes.IntegerField):
    field_type = "sortable_integer"
