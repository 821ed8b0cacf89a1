"""Store parsed articles in the database, one file per transaction.

An article is known by its source file and title; a retitled article is recognised by its
position when the file still holds as many articles as before. Re-ingesting a file changes
only what changed: unchanged paragraphs keep their ids, so links and annotations survive.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils.text import slugify

from archive import parsing, signals
from archive.models import Article, Paragraph, Section
from archive.parsing import ParsedArticle, ParseError

MAX_SLUG_CHARS = 200
# Kept paragraphs move out of the way before renumbering, so no two share a position.
_POSITION_SHIFT = 1_000_000


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
class FileOutcome:
    path: Path
    status: str  # "ingested" | "skipped" | "failed"
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    articles: Counts = field(default_factory=Counts)
    sections: Counts = field(default_factory=Counts)
    paragraphs: Counts = field(default_factory=Counts)


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)
    ignored: int = 0  # files in folders that are not .txt

    def of_status(self, status: str) -> list[FileOutcome]:
        return [outcome for outcome in self.files if outcome.status == status]

    def total(self, kind: str) -> Counts:
        counts = Counts()
        for outcome in self.files:
            counts.add(getattr(outcome, kind))
        return counts


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source: str  # the name stored on its articles
    missing: bool = False
    refused: str = ""  # why a file found in a folder is not read


def discover(paths: Iterable[str | Path]) -> tuple[list[SourceFile], int]:
    """The files to ingest, and how many files in the folders were ignored as not .txt.

    In a folder, a symbolic link is followed only when it leads to a file inside that
    folder: one leading out (to an environment file, say) or nowhere is returned refused,
    with the reason, and never read. Links to folders are not followed; a folder inside is
    read where it is. A file named directly is read wherever it is: the operator chose it.
    """
    found: list[SourceFile] = []
    ignored = 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                refusal = _link_refusal(child, root) if child.is_symlink() else ""
                if refusal:
                    found.append(SourceFile(child, relative.as_posix(), refused=refusal))
                    continue
                if child.is_dir():
                    continue  # rglob descends into real folders, never through links
                if child.suffix.lower() == ".txt":
                    # A link is read through the target it was checked against.
                    readable = child.resolve() if child.is_symlink() else child
                    found.append(SourceFile(readable, relative.as_posix()))
                else:
                    ignored += 1
        else:
            found.append(SourceFile(path, path.name, missing=not path.exists()))
    return found, ignored


def _link_refusal(link: Path, root: Path) -> str:
    """Why this link in the folder `root` may not be followed, or "" when it may."""
    target = link.resolve()
    if not target.exists():
        return "a broken symbolic link"
    if not target.is_relative_to(root):
        return f"a symbolic link to {target}, outside {root}: not followed"
    return ""


def ingest_paths(paths: Iterable[str | Path]) -> IngestReport:
    files, ignored = discover(paths)
    return ingest_files(files, ignored)


def ingest_files(
    files: list[SourceFile],
    ignored: int = 0,
    progress: Callable[[int], None] | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> IngestReport:
    """Ingest each file in its own transaction; one file failing leaves the others be."""
    report = IngestReport(ignored=ignored)
    signals.ingest_started.send(sender=Article)
    try:
        for source_file in files:
            outcome = ingest_file(source_file, progress)
            report.files.append(outcome)
            if on_file:
                on_file(outcome)
    finally:
        signals.ingest_finished.send(sender=Article)
    return report


def ingest_file(
    source_file: SourceFile, progress: Callable[[int], None] | None = None
) -> FileOutcome:
    outcome = FileOutcome(path=source_file.path, status="ingested")
    if source_file.missing:
        return _failed(outcome, "no such file or folder")
    if source_file.refused:
        outcome.status, outcome.reason = "skipped", source_file.refused
        return outcome
    try:
        with open(source_file.path, "rb") as stream:
            encoding = parsing.detect_encoding(stream)
        outcome.warnings.extend(encoding.warnings)
        titles = _titles(source_file.path, encoding)
        if not titles:
            outcome.status, outcome.reason = "skipped", "no articles in it (empty file)"
            return outcome
        with transaction.atomic():
            changed = _store_file(source_file, encoding, titles, outcome, progress)
            if changed:
                transaction.on_commit(
                    lambda: signals.articles_ingested.send(sender=Article, ids=changed)
                )
    except ParseError as error:
        return _failed(outcome, str(error))
    except OSError as error:
        return _failed(outcome, f"cannot read it: {error.strerror or error}")
    except DatabaseError as error:
        return _failed(outcome, f"the database refused it: {str(error).splitlines()[0]}")
    return outcome


def _failed(outcome: FileOutcome, reason: str) -> FileOutcome:
    outcome.status, outcome.reason = "failed", reason
    outcome.articles, outcome.sections, outcome.paragraphs = Counts(), Counts(), Counts()
    return outcome


def _titles(path: Path, encoding: parsing.Encoding) -> list[str]:
    """A first pass that finds parse errors before anything is written."""
    with open(path, "rb") as stream:
        return [article.title for article in parsing.read_articles(stream, encoding)]


class _ProgressReader(io.RawIOBase):
    """A binary file that reports how many bytes have been read, for a progress bar."""

    def __init__(self, raw: io.BufferedIOBase, progress: Callable[[int], None]):
        self.raw, self.progress = raw, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        self.progress(count or 0)
        return count


def _store_file(
    source_file: SourceFile,
    encoding: parsing.Encoding,
    titles: list[str],
    outcome: FileOutcome,
    progress: Callable[[int], None] | None,
) -> list[int]:
    existing = list(Article.objects.filter(source=source_file.source).order_by("order", "id"))
    targets = match_existing(existing, titles)
    changed: list[int] = []
    with open(source_file.path, "rb") as raw:
        stream = io.BufferedReader(_ProgressReader(raw, progress)) if progress else raw
        for parsed in parsing.read_articles(stream, encoding):
            outcome.warnings.extend(parsed.warnings)
            article = targets.get(parsed.order)
            if article is None:
                article = _create_article(parsed, source_file.source, outcome)
                changed.append(article.pk)
            elif _update_article(article, parsed, outcome):
                changed.append(article.pk)
    kept = {article.pk for article in targets.values()}
    stale = [article.title for article in existing if article.pk not in kept]
    if stale:
        outcome.warnings.append(
            f"{len(stale)} article(s) no longer in this file were kept: " + "; ".join(stale)
        )
    return changed


def match_existing(existing: list[Article], titles: list[str]) -> dict[int, Article]:
    """Map each parsed article's order to the stored article it updates, if any."""
    by_title: dict[str, list[Article]] = {}
    for article in existing:
        by_title.setdefault(article.title, []).append(article)
    targets: dict[int, Article] = {}
    for order, title in enumerate(titles):
        if by_title.get(title):
            targets[order] = by_title[title].pop(0)
    if len(existing) == len(titles):
        claimed = {article.pk for article in targets.values()}
        for order in range(len(titles)):
            if order in targets:
                continue
            candidate = existing[order]
            if candidate.pk not in claimed and candidate.title not in titles:
                targets[order] = candidate
                claimed.add(candidate.pk)
    return targets


def unique_slug(title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:MAX_SLUG_CHARS].strip("-") or "article"
    slug, suffix = base, 2
    taken = Article.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _article_fields(parsed: ParsedArticle, source: str) -> dict:
    return {
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
    }


def _create_article(parsed: ParsedArticle, source: str, outcome: FileOutcome) -> Article:
    article = Article.objects.create(
        slug=unique_slug(parsed.title), **_article_fields(parsed, source)
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
    outcome.articles.created += 1
    outcome.sections.created += len(sections)
    outcome.paragraphs.created += len(parsed.paragraphs)
    return article


def _paragraphs_with_sections(
    parsed: ParsedArticle, sections: list[Section]
) -> Iterator[tuple[Section, parsing.ParsedParagraph]]:
    for section, parsed_section in zip(sections, parsed.sections, strict=True):
        for paragraph in parsed_section.paragraphs:
            yield section, paragraph


def _update_article(article: Article, parsed: ParsedArticle, outcome: FileOutcome) -> bool:
    """Bring a stored article in line with its parsed text; True when its content changed."""
    fields = _article_fields(parsed, article.source)
    if article.content_hash == fields["content_hash"]:
        if article.order != parsed.order:
            Article.objects.filter(pk=article.pk).update(order=parsed.order)
        outcome.articles.unchanged += 1
        outcome.sections.unchanged += len(parsed.sections)
        outcome.paragraphs.unchanged += len(parsed.paragraphs)
        return False
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    sections = _sync_sections(article, parsed, outcome.sections)
    for report in _sync_paragraphs(article, parsed, sections, outcome.paragraphs):
        outcome.warnings.append(f"{article.title}: {report}")
    Section.objects.filter(article=article).exclude(pk__in=[s.pk for s in sections]).delete()
    outcome.articles.updated += 1
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
    article: Article, parsed: ParsedArticle, sections: list[Section], counts: Counts
) -> list[str]:
    """Update, create and delete paragraphs; returns what other apps report of it."""
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
    responses = signals.paragraphs_rewritten.send(
        sender=Article, article=article, old=old_texts, new=new_texts
    )
    if removed:
        Paragraph.objects.filter(pk__in=removed).delete()
        counts.deleted += len(removed)
    return [str(report) for _, report in responses if str(report)]


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
