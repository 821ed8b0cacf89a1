"""Article metadata filled or corrected from a reference file (`manage.py
import_references`): each entry matched to an article by its title, and the author, issue
date, original URL and DOI it states written, all or nothing, with a report of what
changed and of what matched nothing.

The file is read and checked whole first (archive.reference_reading). Then, in one
transaction, entries are matched; an entry that matches no article, or several, changes
nothing and is reported; two entries that match one article fail the import, since which
one is right cannot be told. What each match would change is checked before anything is
written: its URL is checked here rather than when the file is read, once it is known not
to be the article's own page here, which our exports give on whatever host the server
answers to (not always a public web address). Every change is written in that
transaction, and the index hears of the articles changed (archive.changes). An article's
citation key is never changed: writing that cites it must still find it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import pluralize

from archive.changes import articles_changed
from archive.models import Article
from archive.reference_reading import Reference, ReferenceImportFailed
from archive.reference_values import BadValue, same_authors, title_key, web_address


@dataclass(frozen=True)
class FieldChange:
    name: str  # author, issue_date, original_url or doi
    old: str | date | None
    new: str | date


@dataclass
class ArticleChange:
    entry: str  # the entry's key
    title: str
    citation_key: str
    fields: list[FieldChange]


@dataclass
class ReferenceImportReport:
    entries: int = 0
    changed: list[ArticleChange] = field(default_factory=list)
    unchanged: int = 0  # entries that matched an article and said what it already holds
    unmatched: list[str] = field(default_factory=list)  # entries' labels
    ambiguous: list[tuple[str, list[str]]] = field(default_factory=list)  # label, keys
    # Entries whose URL is the article's page here, as our own exports give it: where it
    # can be read here is not where it first appeared.
    reader_urls: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        changed = len(self.changed)
        articles = f"{changed} article{pluralize(changed)}"
        articles += " to change" if self.dry_run else " changed"
        line = (
            f"{self.entries} entr{pluralize(self.entries, 'y,ies')}: "
            f"{changed + self.unchanged} matched ({articles}, {self.unchanged} unchanged), "
            f"{len(self.unmatched)} matched nothing, {len(self.ambiguous)} ambiguous"
        )
        return line + (" (dry run: nothing was written)" if self.dry_run else "")


def import_references(
    references: list[Reference], *, dry_run: bool = False
) -> ReferenceImportReport:
    """Match every reference and check what it would change, then write every change in
    one transaction, or nothing (ReferenceImportFailed); with dry_run, only the report."""
    report = ReferenceImportReport(entries=len(references), dry_run=dry_run)
    with transaction.atomic():
        matched = _matched(references, report)
        _refuse_duplicates(matched)
        articles = Article.objects.select_for_update().in_bulk([pk for _, pk in matched])
        planned, problems = [], []
        for reference, pk in matched:
            article = articles[pk]
            try:
                changes = _changes(reference, article, report)
            except BadValue as problem:
                problems.append(f"{reference.label}: {problem}")
                continue
            if not changes:
                report.unchanged += 1
                continue
            planned.append((article, changes))
            report.changed.append(
                ArticleChange(reference.key, article.title, article.citation_key, changes)
            )
        if problems:
            raise ReferenceImportFailed(problems)
        if planned and not dry_run:
            for article, changes in planned:
                _write(article, changes)
            # Their author, date and year facets are in the index.
            articles_changed(article.pk for article, _ in planned)
    return report


def _matched(
    references: list[Reference], report: ReferenceImportReport
) -> list[tuple[Reference, int]]:
    """(reference, article id) for each reference that names one article by its title."""
    by_title: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, title, key in Article.objects.order_by("pk").values_list("pk", "title", "citation_key"):
        by_title[title_key(title)].append((pk, key))
    matched = []
    for reference in references:
        found = by_title.get(title_key(reference.title), []) if reference.title else []
        if not found:
            report.unmatched.append(reference.label)
        elif len(found) > 1:
            report.ambiguous.append((reference.label, [key for _, key in found]))
        else:
            matched.append((reference, found[0][0]))
    return matched


def _refuse_duplicates(matched: list[tuple[Reference, int]]) -> None:
    """Two entries for one article: which is right cannot be told, so neither is taken
    (rather than the last silently winning)."""
    first: dict[int, Reference] = {}
    problems = []
    for reference, pk in matched:
        if pk in first:
            problems.append(
                f"{reference.label}: describes the same article as {first[pk].label}; "
                "a file may describe each article once"
            )
        first.setdefault(pk, reference)
    if problems:
        raise ReferenceImportFailed(problems)


def _changes(
    reference: Reference, article: Article, report: ReferenceImportReport
) -> list[FieldChange]:
    """What the reference states that the article does not hold; what it leaves empty
    stays as it is."""
    new: dict[str, str | date] = {}
    if reference.author and not same_authors(reference.author, article.author):
        new["author"] = reference.author
    if reference.issued is not None:
        day = reference.issued.as_date
        if day is not None and day != article.issue_date:
            new["issue_date"] = day
        elif day is None:
            _partial_date(reference, article, report)
    if reference.url:
        if _is_reader_page(reference.url, article):
            report.reader_urls += 1
        elif web_address(reference.url) != article.original_url:
            new["original_url"] = reference.url
    if reference.doi and reference.doi.casefold() != article.doi.casefold():
        new["doi"] = reference.doi  # DOIs are case-insensitive: a case alone is no change
    return [FieldChange(name, getattr(article, name) or None, value) for name, value in new.items()]


def _partial_date(reference: Reference, article: Article, report: ReferenceImportReport) -> None:
    """A year, or a year and a month: an issue date is a day, and no day is made up. It
    changes nothing, and says so when it disagrees with the date held or none is held."""
    issued, held = reference.issued, article.issue_date
    if held is None:
        report.warnings.append(
            f"{reference.label}: its date {issued} has no day; the article's issue date "
            "was left empty (give the whole date to set it)"
        )
    elif not issued.agrees_with(held):
        report.warnings.append(
            f"{reference.label}: its date {issued} disagrees with the article's issue date "
            f"{held.isoformat()}, which was kept (give the whole date to correct it)"
        )


def _is_reader_page(url: str, article: Article) -> bool:
    """The article's own page here (whatever the host: a server answers to several names,
    and the web's exports give the one the reader used), or any page of BASE_URL."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket: no address at all, said by web_address
        return False
    own_path = article.get_absolute_url().rstrip("/")
    if unquote(parts.path).rstrip("/") == own_path:
        return True
    return parts.netloc.casefold() == urlsplit(settings.COMMONPLACE_BASE_URL).netloc.casefold()


def _write(article: Article, changes: list[FieldChange]) -> None:
    for change in changes:
        setattr(article, change.name, change.new)
    article.save(update_fields=[change.name for change in changes] + ["modified"])
