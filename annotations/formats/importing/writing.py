"""Records into the database: every one placed and checked first, then all written in one
transaction, or none."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from annotations.anchoring import ArticleText, Outcome, Passage, Position, locate
from annotations.changes import annotations_changed
from annotations.formats.importing.annotators import Annotators, Refused
from annotations.formats.importing.annotators import create as create_annotator
from annotations.formats.importing.records import ImportFailed, Record, RecordProblem
from annotations.models import Annotation, Tag, article_text
from annotations.permissions import audience_of
from annotations.serializers import MAX_NOTE_CHARS, MAX_TAG_CHARS, MAX_TAGS
from annotations.tagging import carry, tag_in
from archive.models import Article, Paragraph

MAX_CONTEXT_CHARS = Annotation._meta.get_field("prefix").max_length  # 32, as the API keeps
MAX_TAG_DESCRIPTION_CHARS = 2_000  # as the tag page keeps a description
BATCH = 500


@dataclass
class ImportReport:
    outcomes: Counter = field(default_factory=Counter)

    @property
    def created(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if outcome != "existing")

    def describe(self) -> str:
        parts = [
            f"{self.created} annotation{pluralize(self.created)} imported",
            f"{self.outcomes['existing']} already here",
        ]
        if self.outcomes[Outcome.MOVED]:
            parts.append(f"{self.outcomes[Outcome.MOVED]} placed by their quote")
        if self.outcomes[Outcome.FUZZY]:
            parts.append(f"{self.outcomes[Outcome.FUZZY]} re-anchored to changed text")
        if self.outcomes[Outcome.ORPHANED]:
            parts.append(f"{self.outcomes[Outcome.ORPHANED]} orphaned")
        return "; ".join(parts)


@dataclass
class _Placed:
    record: Record
    article: Article
    outcome: str
    passage: Passage | None
    text: ArticleText | None
    owner: object  # a user, or the name of one to create


def import_records(
    records: list[Record], *, as_user=None, keep_annotators: bool = False
) -> ImportReport:
    """Check every record, then write them all in one transaction, or nothing.

    Whose each annotation becomes: see import_annotators.Annotators."""
    report = ImportReport()
    known = _known_uids([record.uid for record in records])
    annotators = Annotators(as_user, keep_annotators)
    placed, problems, articles, texts = [], [], {}, {}
    for record in records:
        if record.uid in known:
            report.outcomes["existing"] += 1
            continue
        try:
            placed.append(_place(record, annotators, articles, texts))
        except (RecordProblem, Refused) as error:
            problems.append(f"record {record.number}: {error}")
    if problems:
        raise ImportFailed(problems)
    with transaction.atomic():
        written = []
        for item in placed:
            written.append(_write(item))
            report.outcomes[item.outcome] += 1
        annotations_changed(written, tags_changed=True)
    return report


def _known_uids(uids: list[uuid.UUID]) -> set[uuid.UUID]:
    """In batches: one list of every uid in a big file is more than SQLite takes."""
    known = set()
    for at in range(0, len(uids), BATCH):
        batch = Annotation.objects.filter(uid__in=uids[at : at + BATCH])
        known.update(batch.values_list("uid", flat=True))
    return known


def _place(record: Record, annotators: Annotators, articles: dict, texts: dict) -> _Placed:
    _check(record)
    if record.article not in articles:
        articles[record.article] = Article.objects.filter(slug=record.article).first()
    article = articles[record.article]
    if article is None:
        raise RecordProblem(
            f"article {record.article[:80]!r} is not in this archive: ingest it first"
        )
    owner = annotators.owner(record.username)
    if record.orphaned:
        return _Placed(record, article, Outcome.ORPHANED, None, None, owner)
    if article.pk not in texts:
        texts[article.pk] = article_text(article.pk)
    text = texts[article.pk]
    hint = _hint(record, article, text)
    result = locate(
        text,
        record.quote,
        record.prefix,
        record.suffix,
        hint,
        min_fuzzy_score=settings.COMMONPLACE_MIN_FUZZY_SCORE,
    )
    restored = result.outcome is Outcome.MOVED and result.passage == hint
    outcome = "restored" if restored else result.outcome
    return _Placed(record, article, outcome, result.passage, text, owner)


def _check(record: Record) -> None:
    """The limits the API holds annotations to, for records that never passed through it."""
    if not record.quote.strip():
        raise RecordProblem("the quote is empty")
    if len(record.note) > MAX_NOTE_CHARS:
        raise RecordProblem(f"the note is longer than {MAX_NOTE_CHARS:,} characters")
    for name, context in (("prefix", record.prefix), ("suffix", record.suffix)):
        if len(context) > MAX_CONTEXT_CHARS:
            raise RecordProblem(f"the {name} is longer than {MAX_CONTEXT_CHARS} characters")
    if len(record.tags) > MAX_TAGS:
        raise RecordProblem(f"it has {len(record.tags)} tags; an annotation has at most {MAX_TAGS}")
    for name, description in record.tags:
        if not name.strip() or len(name) > MAX_TAG_CHARS:
            raise RecordProblem(f"tag {name[:40]!r} must have 1 to {MAX_TAG_CHARS} characters")
        if len(description) > MAX_TAG_DESCRIPTION_CHARS:
            raise RecordProblem(
                f"the description of tag {name[:40]!r} is longer than "
                f"{MAX_TAG_DESCRIPTION_CHARS:,} characters"
            )


def _hint(record: Record, article: Article, text: ArticleText) -> Passage | None:
    """Where the record says the passage was, in this database's terms."""
    if record.positions is not None:
        first, start, last, end = record.positions
        ids = dict(
            Paragraph.objects.filter(article=article, position__in=[first, last]).values_list(
                "position", "pk"
            )
        )
        if first in ids and last in ids:
            return Passage(Position(ids[first], start), Position(ids[last], end))
        return None
    if record.offsets is not None and text.ids:
        start, end = record.offsets
        if end <= len(text.text):
            return Passage(text.position_at(start, end=False), text.position_at(end, end=True))
    return None


def _write(item: _Placed) -> Annotation:
    record = item.record
    owner = create_annotator(item.owner) if isinstance(item.owner, str) else item.owner
    now = timezone.now()
    annotation = Annotation(
        uid=record.uid,
        owner=owner,
        article=item.article,
        note=record.note,
        visibility=record.visibility,
        created=record.created or now,
        modified=record.modified or record.created or now,
        quote=record.quote,
        prefix=record.prefix,
        suffix=record.suffix,
        start_offset=0,
        end_offset=0,
    )
    if item.passage is None:
        annotation.orphan()
    else:
        annotation.place(item.passage, item.text)
        if item.outcome is Outcome.FUZZY:
            annotation.anchor = Annotation.Anchor.FUZZY
    annotation.save(touch=False)
    audience = audience_of(annotation.visibility, annotation.owner_id)
    carry(
        annotation, [_tag(name.strip(), description, audience) for name, description in record.tags]
    )
    return annotation


def _tag(name: str, description: str, audience: str) -> Tag:
    """The tag of this name in the annotation's own audience; its description arrives
    with it, unless the tag already has one."""
    tag = tag_in(audience, name)
    if description and not tag.description:
        tag.description = description
        tag.save(update_fields=["description"])
    return tag
