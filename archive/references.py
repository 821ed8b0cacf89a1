"""An article as a reference: its CSL-JSON item, the one description every citation
format starts from (BibTeX, RIS and the formatted styles are written from it in
archive.reference_files and archive.styles).

The item's URL is the article's page in the reader, where the quoted passages can be
found, so the caller, who knows the server's address, passes it in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from archive import citekeys
from archive.models import Article
from archive.parsing import NAME_PARTICLES

CSL_TYPES = {
    Article.PublicationType.MAGAZINE: "article-magazine",
    Article.PublicationType.NEWSPAPER: "article-newspaper",
}


def csl_name(name: str) -> dict:
    """'Anthony Giddens' -> {'family': 'Giddens', 'given': 'Anthony'}; one word stays whole."""
    if "," in name:  # already sorted: 'Giddens, Anthony'
        family, given = (part.strip() for part in name.split(",", 1))
        return {"family": family, "given": given} if given else {"literal": family}
    words = citekeys.name_words(name)
    family = citekeys.family_name(name)
    if len(words) < 2 or family == words[0]:
        return {"literal": name.strip()}
    at = len(words) - 1 - words[::-1].index(family)
    given, suffix = words[:at], words[at + 1 :]
    particle = []
    # A particle stays in front of the family name and sorts with it (Vincent van Gogh).
    while given and given[-1].lower() in NAME_PARTICLES and len(given) > 1:
        particle.insert(0, given.pop())
    parts = {"family": family, "given": " ".join(given)}
    if particle:
        parts["non-dropping-particle"] = " ".join(particle)
    if suffix:
        parts["suffix"] = " ".join(suffix)
    return parts


def csl_date(day: date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_item(article: Article, url: str, accessed: date) -> dict:
    """The article's CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/)."""
    item = {
        "id": article.citation_key,
        "citation-key": article.citation_key,
        "type": CSL_TYPES[article.publication_type],
        "title": article.title,
        "URL": url,
        "accessed": csl_date(accessed),
    }
    if article.author:
        item["author"] = [csl_name(name) for name in citekeys.split_authors(article.author)]
    if article.publication:
        item["container-title"] = article.publication
    if article.issue_date:
        item["issued"] = csl_date(article.issue_date)
    if article.standfirst:
        item["abstract"] = article.standfirst
    if article.doi:
        item["DOI"] = article.doi
    return item


def csl_items(
    articles: Iterable[Article], url_of: Callable[[Article], str], accessed: date
) -> list[dict]:
    """Each article's item once, in the order given."""
    items, seen = [], set()
    for article in articles:
        if article.pk not in seen:
            seen.add(article.pk)
            items.append(csl_item(article, url_of(article), accessed))
    return items


def sorted_name(name: dict) -> str:
    """A CSL name as reference files write it: 'Giddens, Anthony', 'van Gogh, Vincent'."""
    if "literal" in name:
        return name["literal"]
    family = " ".join(filter(None, [name.get("non-dropping-particle"), name["family"]]))
    given = " ".join(filter(None, [name.get("given"), name.get("dropping-particle")]))
    sorted_parts = [family, given] if not name.get("suffix") else [family, name["suffix"], given]
    return ", ".join(part for part in sorted_parts if part)


def item_date(item: dict, variable: str) -> date | None:
    parts = item.get(variable, {}).get("date-parts", [[]])[0]
    if len(parts) < 3:
        return None
    return date(*parts[:3])
