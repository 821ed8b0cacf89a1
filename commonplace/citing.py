"""The reader's Cite panel: the article's reference in each style of archive.styles, its
citation key, and its reference files (archive.reference_files) to download.

Formatting the four styles with citeproc-py costs about 25 ms a page (a sixth of the
reader's time with 500 annotations), for text that changes only with the article's
CSL-JSON item: its fields, its address here and the day (the item's access date). So the
references are cached under a digest of the item, a day at most: any change to what the
item says is a new key, and nothing need be forgotten by hand.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from archive.models import Article
from archive.reference_files import REFERENCE_FILES
from archive.styles import STYLES, formatted

CACHE_SECONDS = 24 * 60 * 60
# Bump when what formatted() writes changes, so that a shared cache forgets the old text.
_CACHE_VERSION = 2  # 2: periods inside American quotes
# What the panel calls each file of archive.reference_files.
DOWNLOAD_LABELS = {"csl-json": "CSL-JSON", "bibtex": "BibTeX", "ris": "RIS"}


@dataclass(frozen=True)
class CitedStyle:
    name: str
    label: str
    html: SafeString  # escaped by archive.styles, italics as <i>
    text: str


@dataclass(frozen=True)
class Download:
    label: str
    url: str


@dataclass(frozen=True)
class CitePanel:
    styles: list[CitedStyle]
    key: str
    downloads: list[Download]


def cite_panel(article: Article, item: dict) -> CitePanel:
    """What the panel shows: `item` is the article's CSL-JSON item as cited from here."""
    return CitePanel(cited_styles(item), article.citation_key, downloads(article))


def cited_styles(item: dict) -> list[CitedStyle]:
    """The item's reference in each style, in the order of archive.styles.STYLES."""
    key = _cache_key(item)
    styles = cache.get(key)
    if styles is None:
        styles = [_cited(item, name) for name in STYLES]
        cache.set(key, styles, CACHE_SECONDS)
    return styles


def _cited(item: dict, name: str) -> CitedStyle:
    (reference,) = formatted([item], name)
    return CitedStyle(name, STYLES[name].label, mark_safe(reference.html), reference.text)


def _cache_key(item: dict) -> str:
    digest = hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()
    return f"commonplace:cite:{_CACHE_VERSION}:{digest}"


def downloads(article: Article) -> list[Download]:
    """A link to each reference file the citation API writes."""
    url = reverse("api:article-citation", kwargs={"slug": article.slug})
    return [
        Download(DOWNLOAD_LABELS.get(name, name), f"{url}?format={name}")
        for name in REFERENCE_FILES
    ]
