"""Details a person corrected (in an upload's preview), kept over the file's own.

A file says what it says: a Nexis export gives "Spring 2017" for a date, a saved page
names its site as the author. A person's correction of such a detail is stored with the
article (`Article.corrections`: each field as it was read and as corrected) and put back
over the file's value on every later ingest of the article, from the browser or the
command line, so that adding the same file again changes nothing. Plain Python.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from archive.parsing import ParsedArticle

# The details a preview may correct, in the order its form shows them.
CORRECTABLE = (
    "title",
    "standfirst",
    "author",
    "issue_date",
    "publication",
    "publication_type",
    "original_url",
)


def as_json(name: str, value) -> str:
    """A detail as the corrections keep it: text, a date as ISO 8601, "" for none."""
    if name == "issue_date":
        return value.isoformat() if isinstance(value, date) else ""
    return value or ""


def from_json(name: str, text: str):
    if name == "issue_date":
        return date.fromisoformat(text) if text else None
    return text


def corrected(article: ParsedArticle, values: Mapping[str, object]) -> ParsedArticle:
    """The article with these details in place of those read, recorded as corrections."""
    if not values:
        return article
    entries = dict(article.corrections)
    for name, value in values.items():
        read = entries.get(name, {}).get("read", as_json(name, getattr(article, name)))
        entries[name] = {"read": read, "value": as_json(name, value)}
    return dataclasses.replace(article, **values, corrections=entries)


def kept(article: ParsedArticle, stored: Mapping[str, Mapping[str, str]]) -> ParsedArticle:
    """The article as read, with the corrections stored with it before put back over the
    file's values (a detail corrected anew keeps its new correction)."""
    again = {
        name: from_json(name, entry["value"])
        for name, entry in stored.items()
        if name in CORRECTABLE and name not in article.corrections
    }
    return corrected(article, again)


def read_title(corrections: Mapping[str, Mapping[str, str]]) -> str | None:
    """The title the file gave an article whose title was corrected, to find it by."""
    return corrections.get("title", {}).get("read")
