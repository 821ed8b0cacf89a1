"""What reference managers read from the reader's page: Highwire Press tags (<meta
name="citation_title" ...>, read by Zotero's "Embedded Metadata" translator, Mendeley,
EndNote's capture and Google Scholar) and a COinS span (an OpenURL ContextObject in
<span class="Z3988" title="...">, read by Zotero's "COinS" translator). Both are written
from the article's CSL-JSON item (archive.references), the one description that every
citation format starts from. Plain functions of that item: the template escapes them.

What Zotero reads, from zotero/translators ("Embedded Metadata.js", "COinS.js", "RDF.js")
and zotero/utilities (openurl.js), as of mid-2026:

- `citation_journal_title` is a type as well as a title: any page that has it is saved as
  a Journal Article, whatever else it says. Zotero's Embedded Metadata reads no Highwire
  tag for a newspaper (nor a magazine): Google Scholar's tags know only journals, books,
  conferences, theses and reports. So a magazine gets `citation_journal_title` (a Journal
  Article in Zotero, with the magazine's name), and a newspaper article must leave it out.
  Its other meta tags go to Zotero's RDF translator, which takes a Zotero item type from
  `DC.type` and the publication's name from `prism.publicationName`: with those a
  newspaper article is saved as a Newspaper Article, and the Highwire tags fill in the
  rest (title, authors, date, URL, DOI, abstract).
- Each `citation_author` is one person. Written "Family, Given", its family name is taken
  as written, particle included ("van Gogh, Vincent"), where "Vincent van Gogh" would be
  split at its last space. But a page's only `citation_author` is read as a list of two
  people when both sides of its comma hold a space, so that one is written in reading
  order.
- The connector prefers the COinS translator to Embedded Metadata (priority 310 to 320)
  when a page has one ContextObject, so the span must be as good as the tags. Its journal
  format makes a Journal Article (`rft.jtitle` the magazine's name); for a newspaper,
  Zotero's own form is the Dublin Core format with `rft.type=newspaperArticle` (title in
  `rft.title`, newspaper in `rft.source`), which it reads back as a Newspaper Article.
  Zotero reads a `+`, written `%2B`, as a space in any value, whatever the encoding.
"""

from __future__ import annotations

from urllib.parse import urlencode

from archive.references import item_date

NEWSPAPER = "article-newspaper"


def highwire_tags(item: dict) -> list[tuple[str, str]]:
    """(name, content) of each <meta> tag, in the order the Highwire convention lists them."""
    tags = [("citation_title", item["title"])]
    authors = item.get("author", [])
    tags += [("citation_author", _author(name, alone=len(authors) == 1)) for name in authors]
    issued = item_date(item, "issued")
    if issued:
        tags.append(("citation_publication_date", f"{issued:%Y/%m/%d}"))
    if item.get("container-title"):
        tags += _container_tags(item)
    tags.append(("citation_public_url", item["URL"]))
    if item.get("DOI"):
        tags.append(("citation_doi", item["DOI"]))
    if item.get("abstract"):
        tags.append(("citation_abstract", item["abstract"]))
    return tags


def _container_tags(item: dict) -> list[tuple[str, str]]:
    """The publication's name, and for a newspaper what makes it one (see above)."""
    if item["type"] == NEWSPAPER:
        return [("DC.type", "newspaperArticle"), ("prism.publicationName", item["container-title"])]
    return [("citation_journal_title", item["container-title"])]


def _author(name: dict, alone: bool) -> str:
    """A CSL name as Zotero reads one citation_author (or rft.au): 'Giddens, Anthony',
    'King, Martin Luther, Jr.' (Zotero takes the first two parts)."""
    if "literal" in name:
        return name["literal"]
    family = " ".join(filter(None, [name.get("non-dropping-particle"), name["family"]]))
    given = " ".join(filter(None, [name.get("given"), name.get("dropping-particle")]))
    if alone and " " in family and " " in given:
        return " ".join(filter(None, [given, family, name.get("suffix")]))
    return ", ".join(filter(None, [family, given, name.get("suffix")]))


def coins(item: dict) -> str:
    """The OpenURL 1.0 ContextObject (KEV) of a COinS span's title, not yet HTML-escaped."""
    fields = [("ctx_ver", "Z39.88-2004"), *_format_fields(item)]
    issued = item_date(item, "issued")
    if issued:
        fields.append(("rft.date", issued.isoformat()))
    fields += _coins_authors(item.get("author", []))
    fields.append(("rft_id", item["URL"]))
    if item.get("DOI"):
        fields.append(("rft_id", f"info:doi/{item['DOI']}"))
    return urlencode(fields)


def _format_fields(item: dict) -> list[tuple[str, str]]:
    container = item.get("container-title", "")
    if item["type"] == NEWSPAPER:
        fields = [
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
            ("rft.type", "newspaperArticle"),
            ("rft.title", item["title"]),
        ]
        return fields + ([("rft.source", container)] if container else [])
    fields = [
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "article"),
        ("rft.atitle", item["title"]),
    ]
    return fields + ([("rft.jtitle", container)] if container else [])


def _coins_authors(names: list[dict]) -> list[tuple[str, str]]:
    """The first author as aulast and aufirst, the others (and a one-word name) as au."""
    if not names:
        return []
    first, others = names[0], names[1:]
    if "literal" in first:
        fields = [("rft.au", first["literal"])]
    else:
        family = " ".join(filter(None, [first.get("non-dropping-particle"), first["family"]]))
        fields = [("rft.aulast", family)]
        if first.get("given"):
            fields.append(("rft.aufirst", first["given"]))
    return fields + [("rft.au", _author(name, alone=False)) for name in others]
