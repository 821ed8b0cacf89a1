"""The values a reference file may correct, read and checked the same way whichever format
they came in (archive.reference_reading): names, dates, addresses and DOIs.

Each check raises BadValue with a message that names the field and shows the value, so
that an import refused for it says which entry to mend and how.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from archive import citekeys
from archive.models import Article
from archive.parsing import WEB_SCHEMES

MAX_AUTHOR_CHARS = Article._meta.get_field("author").max_length
MAX_URL_CHARS = Article._meta.get_field("original_url").max_length
MAX_DOI_CHARS = Article._meta.get_field("doi").max_length
SHOWN_CHARS = 60  # of a bad value, in a message

# A DOI is "10.", the registrant's number (perhaps subdivided), "/", then any suffix.
_DOI = re.compile(r"10\.\d+(?:\.\d+)*/\S+")
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Titles are compared in the characters a keyboard types: curly quotes and dashes, and
# BibTeX's case-protecting braces, say nothing about which article is meant.
_PLAIN = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "{": None,
        "}": None,
    }
)
_TRAILING_PUNCTUATION = " .,;:!?"
_is_web_address = URLValidator(schemes=list(WEB_SCHEMES))


class BadValue(ValueError):
    """One value a file gives that no article may hold."""


@dataclass(frozen=True)
class Issued:
    """When a reference says it was published: a day, or only a year or a month."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def as_date(self) -> date | None:
        """The day, when the reference gives one: an issue date is a day."""
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)

    def agrees_with(self, day: date) -> bool:
        return (day.year, self.month or day.month) == (self.year, day.month)

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{n:02d}" for n in (self.month, self.day) if n]
        return "-".join(parts)


def title_key(title: str) -> str:
    """What two titles share when they name the same article: 'The Rise and Fall of
    {New Labour}.' and 'The rise and fall of New Labour' both give the same key."""
    text = unicodedata.normalize("NFKC", title).translate(_PLAIN).casefold()
    return " ".join(text.split()).rstrip(_TRAILING_PUNCTUATION)


def issued(year: int | str, month: int | str | None = None, day: int | str | None = None) -> Issued:
    """A year, perhaps with a month and a day, as numbers or their digits; BadValue when
    they are not a date of the calendar."""
    try:
        numbers = [_number(part) for part in (year, month, day) if part not in (None, "")]
        if not 1 <= numbers[0] <= 9999 or (day not in (None, "") and len(numbers) < 3):
            raise ValueError
        result = Issued(*numbers)
        date(result.year, result.month or 1, result.day or 1)  # is there such a day?
    except (ValueError, IndexError, TypeError):
        shown = "-".join(str(part) for part in (year, month, day) if part not in (None, ""))
        raise BadValue(f"{_shown(shown)} is not a date") from None
    return result


def _number(part: int | str) -> int:
    if isinstance(part, bool) or not isinstance(part, int | str):
        raise TypeError
    if isinstance(part, str) and not part.strip().isdigit():
        raise ValueError
    return int(part)


def iso_date(text: str) -> Issued:
    """An ISO 8601 date as biblatex and CSL's raw dates write one: 2010, 2010-05, 2010-05-17."""
    match = _ISO_DATE.fullmatch(text.strip())
    if not match:
        raise BadValue(f"{_shown(text)} is not a date as YYYY-MM-DD (or YYYY-MM, or YYYY)")
    return issued(*match.groups())


def display_names(names: list[str]) -> str:
    """Names as Article.author holds them: in display order, joined with ' and '."""
    names = [" ".join(name.split()) for name in names]
    return storable(" and ".join(name for name in names if name), "author", MAX_AUTHOR_CHARS)


def same_authors(one: str, other: str) -> bool:
    """'Anthony Giddens & Will Hutton' names who 'Anthony Giddens and Will Hutton' does."""
    return citekeys.split_authors(one) == citekeys.split_authors(other)


def address(url: str) -> str:
    """A URL as a file gives it, to be checked by web_address once its article is known
    (it may be the article's page here, which is not taken)."""
    return storable(url.strip(), "URL", MAX_URL_CHARS)


def web_address(url: str) -> str:
    """An http or https address an article may give as where it first appeared."""
    try:
        _is_web_address(url)
    except ValidationError:
        raise BadValue(f"URL {_shown(url)} is not a web address (http or https)") from None
    return url


def doi(text: str) -> str:
    """'https://doi.org/10.1234/abc' -> '10.1234/abc'; BadValue when it is not a DOI."""
    text = text.strip()
    bare = _DOI_PREFIXES.sub("", text)
    if bare != text and urlsplit(text).scheme:
        bare = unquote(bare)  # a DOI written as an address is percent-encoded
    if not _DOI.fullmatch(bare):
        raise BadValue(f"DOI {_shown(text)} is not a DOI (10.<number>/<suffix>)")
    return storable(bare, "DOI", MAX_DOI_CHARS)


def storable(text: str, name: str, max_chars: int) -> str:
    """Text a database stores as it was given, within the column's length."""
    if len(text) > max_chars:
        raise BadValue(f"{name} is {len(text):,} characters long; at most {max_chars:,} fit")
    if "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text):
        raise BadValue(f"{name} holds a character no database can store as text")
    return text


def _shown(value: str) -> str:
    value = str(value)
    return repr(value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…")
