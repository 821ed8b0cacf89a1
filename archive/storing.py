"""Store parsed articles: create new ones, bring stored ones in line, keep every id that
can be kept.

An article is known by its source file and title; a retitled article is recognised by its
position when the file still holds as many articles as before. Re-storing changes only
what changed: unchanged paragraphs keep their ids, so links and annotations survive.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import F
from django.template.defaultfilters import pluralize
from django.utils.text import slugify

from archive import citekeys, corrections, parsing
from archive.models import Article, Paragraph, Section
from archive.parsing import ParsedArticle

MAX_SLUG_CHARS = 200
# Kept paragraphs move out of the way before renumbering, so no two share a position.
_POSITION_SHIFT = 1_000_000

# Told, inside the transaction and before removed paragraphs are deleted, that an
# article's paragraphs were rewritten: (article, old, new) with [(id, text)] in reading
# order. It moves what hangs on the text (annotations) and returns a report, or None.
Rewritten = Callable[[Article, list[tuple[int, str]], list[tuple[int, str]]], object]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted


@dataclass
class Stored:
    """What storing one source's articles did."""

    articles: Counts = field(default_factory=Counts)
    sections: Counts = field(default_factory=Counts)
    paragraphs: Counts = field(default_factory=Counts)
    changed: list[int] = field(default_factory=list)  # articles whose index entry changes
    rewrites: list[tuple[str, object]] = field(default_factory=list)  # (title, report)
    warnings: list[str] = field(default_factory=list)


def store_articles(
    source: str,
    titles: list[str],
    articles: Iterable[ParsedArticle],
    on_rewritten: Rewritten | None = None,
) -> Stored:
    """Store a source's articles (titles first, from a first pass, to match them with the
    stored ones); the caller holds the transaction."""
    stored = Stored()
    existing = list(Article.objects.filter(source=source).order_by("order", "id"))
    targets = match_existing(existing, titles)
    for parsed in articles:
        stored.warnings.extend(parsed.warnings)
        article = targets.get(parsed.order)
        if article is None:
            article = _create_article(parsed, source, stored)
            stored.changed.append(article.pk)
        elif _update_article(article, parsed, stored, on_rewritten):
            stored.changed.append(article.pk)
    kept = {article.pk for article in targets.values()}
    gone = [article.title for article in existing if article.pk not in kept]
    if gone:
        stored.warnings.append(
            f"{len(gone)} article{pluralize(len(gone))} no longer in this file "
            f"{pluralize(len(gone), 'was,were')} kept: " + "; ".join(gone)
        )
    return stored


def match_existing(existing: list[Article], titles: list[str]) -> dict[int, Article]:
    """Map each parsed article's order to the stored article it updates, if any."""
    by_title: dict[str, list[Article]] = {}
    for article in existing:
        by_title.setdefault(article.title, []).append(article)
        # A title a person corrected is found by the one the file gives too.
        read = corrections.read_title(article.corrections)
        if read is not None and read != article.title:
            by_title.setdefault(read, []).append(article)
    targets: dict[int, Article] = {}
    claimed: set[int] = set()
    for order, title in enumerate(titles):
        candidates = [a for a in by_title.get(title, []) if a.pk not in claimed]
        if candidates:
            targets[order] = candidates[0]
            claimed.add(candidates[0].pk)
    if len(existing) == len(titles):
        for order in range(len(titles)):
            if order in targets:
                continue
            candidate = existing[order]
            if candidate.pk not in claimed and candidate.title not in titles:
                targets[order] = candidate
                claimed.add(candidate.pk)
    return targets


def predict(source: str, articles: list) -> list[dict]:
    """What storing a file's articles (each with a title and an original_url) would do
    to each, by the same matching as storing, for a preview (nothing is written):
    "fate": "new" or "update" (stored before from a file of this name: brought in line
    if it changed); "replaces": the stored title an update would overwrite, when it is
    another; "kept": the details a person corrected before, which stay, with their
    values; "same_url": the title of an article from another file with the same
    original URL."""
    existing = list(Article.objects.filter(source=source).order_by("order", "id"))
    targets = match_existing(existing, [article.title for article in articles])
    fates = []
    for order, parsed in enumerate(articles):
        fate = {"fate": "new", "replaces": "", "kept": {}, "same_url": ""}
        stored = targets.get(order)
        if stored is not None:
            fate["fate"] = "update"
            read = corrections.read_title(stored.corrections) or stored.title
            fate["replaces"] = stored.title if parsed.title not in (read, stored.title) else ""
            fate["kept"] = {name: entry["value"] for name, entry in stored.corrections.items()}
        elif parsed.original_url:
            twin = Article.objects.filter(original_url=parsed.original_url).first()
            fate["same_url"] = twin.title if twin else ""
        fates.append(fate)
    return fates


# Paths the site uses beside articles' own pages (/articles/add/).
RESERVED_SLUGS = frozenset({"add"})


def first_free(base: str, taken: Container[str], numbered: str = "{base} ({number})") -> str:
    """The base, else the first of its numbered forms ("name (2)", "name (3)", ...) that
    is not taken."""
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = numbered.format(base=base, number=number), number + 1
    return candidate


def unused_source(name: str) -> str:
    """A source name no stored article has: the name itself, else "name (2)", ..."""
    taken = set(Article.objects.filter(source__startswith=name).values_list("source", flat=True))
    return first_free(name, taken)


def unique_slug(title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:MAX_SLUG_CHARS].strip("-") or "article"
    # One query for every slug the suffixes could meet, not one a suffix: a file of a
    # thousand articles of one title would otherwise ask half a million times.
    taken = RESERVED_SLUGS | set(
        Article.objects.exclude(pk=exclude_pk)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    return first_free(base, taken, "{base}-{number}")


def unique_citation_key(parsed: ParsedArticle) -> str:
    """A new article's key; a stored one keeps the key it was given (archive.citekeys)."""
    base = citekeys.base_key(parsed.author, parsed.issue_date, parsed.title, parsed.publication)
    taken = set(
        Article.objects.filter(citation_key__startswith=base).values_list("citation_key", flat=True)
    )
    return citekeys.unique_key(base, taken.__contains__)


def _article_fields(parsed: ParsedArticle, source: str) -> dict:
    fields = {
        "title": parsed.title,
        "standfirst": parsed.standfirst,
        "author": parsed.author,
        "author_bio": parsed.author_bio,
        "publication": parsed.publication,
        "issue_date": parsed.issue_date,
        "issue_title": parsed.issue_title,
        "source": source,
        "order": parsed.order,
        "content_hash": parsed.content_hash(),
        "corrections": parsed.corrections,
    }
    # A source that does not say where the article first appeared leaves the URL that
    # was found for it (manage.py import_references) as it is.
    if parsed.original_url:
        fields["original_url"] = parsed.original_url
    if parsed.publication_type:
        fields["publication_type"] = parsed.publication_type
    return fields


def _create_article(parsed: ParsedArticle, source: str, stored: Stored) -> Article:
    article = Article.objects.create(
        slug=unique_slug(parsed.title),
        citation_key=unique_citation_key(parsed),
        **_article_fields(parsed, source),
    )
    sections = Section.objects.bulk_create(
        Section(article=article, number=s.number, title=s.title, order=index)
        for index, s in enumerate(parsed.sections)
    )
    Paragraph.objects.bulk_create(
        (
            Paragraph(article=article, section=section, position=position, text=p.text, kind=p.kind)
            for position, (section, p) in enumerate(_paragraphs_with_sections(parsed, sections), 1)
        ),
        batch_size=500,
    )
    stored.articles.created += 1
    stored.sections.created += len(sections)
    stored.paragraphs.created += len(parsed.paragraphs)
    return article


def _paragraphs_with_sections(
    parsed: ParsedArticle, sections: list[Section]
) -> Iterator[tuple[Section, parsing.ParsedParagraph]]:
    for section, parsed_section in zip(sections, parsed.sections, strict=True):
        for paragraph in parsed_section.paragraphs:
            yield section, paragraph


def _update_article(
    article: Article, parsed: ParsedArticle, stored: Stored, on_rewritten: Rewritten | None
) -> bool:
    """Bring a stored article in line with its parsed text; True when what the index holds
    of it changed (its text, or only its place in the file: document order)."""
    parsed = corrections.kept(parsed, article.corrections)
    fields = _article_fields(parsed, article.source)
    if article.content_hash == fields["content_hash"]:
        stored.articles.unchanged += 1
        stored.sections.unchanged += len(parsed.sections)
        stored.paragraphs.unchanged += len(parsed.paragraphs)
        if article.order == parsed.order:
            return False
        Article.objects.filter(pk=article.pk).update(order=parsed.order)
        return True
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    sections = _sync_sections(article, parsed, stored.sections)
    report = _sync_paragraphs(article, parsed, sections, stored.paragraphs, on_rewritten)
    if report is not None and str(report):
        stored.rewrites.append((article.title, report))
    Section.objects.filter(article=article).exclude(pk__in=[s.pk for s in sections]).delete()
    stored.articles.updated += 1
    return True


def _sync_sections(article: Article, parsed: ParsedArticle, counts: Counts) -> list[Section]:
    """The article's sections in parsed order, reusing stored ones whose heading is unchanged.

    Stored sections left over are deleted by the caller once no paragraph points at them.
    """
    old = list(article.sections.order_by("order"))
    old_keys = [(s.number, s.title) for s in old]
    new_keys = [(s.number, s.title) for s in parsed.sections]
    result: list[Section | None] = [None] * len(new_keys)
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            result[block.b + offset] = old[block.a + offset]
    reused = {s.pk for s in result if s is not None}
    counts.deleted += sum(1 for s in old if s.pk not in reused)
    for index, (number, title) in enumerate(new_keys):
        section = result[index]
        if section is None:
            result[index] = Section.objects.create(
                article=article, number=number, title=title, order=index
            )
            counts.created += 1
        elif section.order != index:
            section.order = index
            section.save(update_fields=["order"])
            counts.updated += 1
        else:
            counts.unchanged += 1
    return result


def _sync_paragraphs(
    article: Article,
    parsed: ParsedArticle,
    sections: list[Section],
    counts: Counts,
    on_rewritten: Rewritten | None,
) -> object:
    """Update, create and delete paragraphs; returns on_rewritten's report."""
    old = list(article.paragraphs.order_by("position"))
    old_texts = [(p.pk, p.text) for p in old]
    new = list(_paragraphs_with_sections(parsed, sections))
    pairs = pair_paragraphs([p.text for p in old], [p.text for _, p in new])
    kept_old = {old_index for old_index, _ in pairs.items()}
    removed = [p.pk for index, p in enumerate(old) if index not in kept_old]
    article.paragraphs.update(position=F("position") + _POSITION_SHIFT)
    by_new_index = {new_index: old[old_index] for old_index, new_index in pairs.items()}
    kept, created = [], []
    for index, (section, parsed_paragraph) in enumerate(new):
        paragraph = by_new_index.get(index)
        if paragraph is None:
            created.append(
                Paragraph(
                    article=article,
                    section=section,
                    position=index + 1,
                    text=parsed_paragraph.text,
                    kind=parsed_paragraph.kind,
                )
            )
            continue
        if paragraph.text == parsed_paragraph.text and paragraph.kind == parsed_paragraph.kind:
            counts.unchanged += 1
        else:
            counts.updated += 1
        paragraph.text, paragraph.kind = parsed_paragraph.text, parsed_paragraph.kind
        paragraph.section, paragraph.position = section, index + 1
        kept.append(paragraph)
    Paragraph.objects.bulk_update(kept, ["text", "kind", "section", "position"], batch_size=500)
    Paragraph.objects.bulk_create(created, batch_size=500)
    counts.created += len(created)
    # Annotations move off removed paragraphs before these are deleted.
    new_texts = [(p.pk, p.text) for p in sorted(kept + created, key=lambda p: p.position)]
    report = on_rewritten(article, old_texts, new_texts) if on_rewritten else None
    if removed:
        Paragraph.objects.filter(pk__in=removed).delete()
        counts.deleted += len(removed)
    return report


def pair_paragraphs(old: list[str], new: list[str]) -> dict[int, int]:
    """Map old paragraph indexes to new ones: equal texts first, then edits in place.

    A run of replaced paragraphs pairs up one to one in order, so an edited paragraph keeps
    its id; what is left over on either side is a deletion or an insertion.
    """
    pairs: dict[int, int] = {}
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for offset in range(min(i2 - i1, j2 - j1)):
                pairs[i1 + offset] = j1 + offset
    return pairs
