"""Annotations in, from Commonplace's JSON or its W3C Web Annotation JSON-LD.

All or nothing: every record is read and checked before anything is written, and a file
with one bad record writes nothing and says which record is wrong and why. Idempotent:
an annotation already here (the same uid) is left as it is. Paragraph ids differ between
databases, so a passage is placed by its article and paragraph position, and re-anchored
by its quote, prefix and suffix where the text differs, as ingest does.

Records are held to what the API allows (note, tag and context lengths, text a database
can store), and an import never gives an annotation to someone who already has an
account here unless it says so: `as_user` makes every annotation one user's, and
`keep_annotators` (a trusted restore) gives each to the user of its name.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annotations import import_schema
from annotations.anchoring import ArticleText, Outcome, Passage, Position, locate
from annotations.changes import annotations_changed
from annotations.export_formats import JSON_FORMAT
from annotations.import_annotators import Annotators, Refused
from annotations.import_annotators import create as create_annotator
from annotations.models import Annotation, Tag, article_text
from annotations.permissions import audience_of
from annotations.serializers import MAX_NOTE_CHARS, MAX_TAG_CHARS, MAX_TAGS
from annotations.tagging import carry, tag_in
from archive.models import Article, Paragraph

MAX_IMPORT_BYTES = 200 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 20
MAX_CONTEXT_CHARS = Annotation._meta.get_field("prefix").max_length  # 32, as the API keeps
MAX_TAG_DESCRIPTION_CHARS = 2_000  # as the tag page keeps a description
BATCH = 500
_ARTICLE_PATH = re.compile(r"/articles/(?P<slug>[^/]+)/?$")


class ImportFailed(Exception):
    """The file was not imported; problems says why, one line per record at fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        super().__init__("\n".join(shown + ([f"... and {more} more"] if more else [])))


class _Bad(Exception):
    """One record's fault."""


@dataclass
class Record:
    number: int  # 1-based, for messages
    uid: uuid.UUID
    username: str
    article: str  # slug
    quote: str
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    tags: list[tuple[str, str]] = field(default_factory=list)  # (name, description)
    visibility: str = Annotation.Visibility.PRIVATE
    created: datetime | None = None
    modified: datetime | None = None
    orphaned: bool = False
    # Where the passage was: by paragraph position (our JSON) or in the article text (JSON-LD).
    positions: tuple[int, int, int, int] | None = None  # start ¶, start, end ¶, end
    offsets: tuple[int, int] | None = None


@dataclass
class ImportReport:
    outcomes: Counter = field(default_factory=Counter)

    @property
    def created(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if outcome != "existing")

    def describe(self) -> str:
        parts = [
            f"{self.created} annotation(s) imported",
            f"{self.outcomes['existing']} already here",
        ]
        if self.outcomes[Outcome.MOVED]:
            parts.append(f"{self.outcomes[Outcome.MOVED]} placed by their quote")
        if self.outcomes[Outcome.FUZZY]:
            parts.append(f"{self.outcomes[Outcome.FUZZY]} re-anchored to changed text")
        if self.outcomes[Outcome.ORPHANED]:
            parts.append(f"{self.outcomes[Outcome.ORPHANED]} orphaned")
        return "; ".join(parts)


# Reading --------------------------------------------------------------------------------


def read_file(path: Path) -> list[Record]:
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportFailed([f"{path} is {size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}."])
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFailed([f"cannot read {path}: {error.strerror or error}"]) from None
    return read_bytes(raw)


def read_bytes(raw: bytes) -> list[Record]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFailed(["the file is not UTF-8 text"]) from None
    except (ValueError, RecursionError) as error:
        # RecursionError: JSON nested deeper than Python will follow.
        raise ImportFailed([f"the file is not valid JSON ({str(error)[:120]})"]) from None
    if isinstance(data, dict) and data.get("format") == JSON_FORMAT:
        return _records(data.get("annotations"), _from_json)
    if isinstance(data, list) or (
        isinstance(data, dict)
        and data.get("type") in ("AnnotationCollection", "AnnotationPage", "Annotation")
    ):
        return _records(_jsonld_items(data), _from_jsonld)
    raise ImportFailed(
        ["the file is neither Commonplace's JSON export nor W3C Web Annotation JSON-LD"]
    )


def _records(items, parse) -> list[Record]:
    if not isinstance(items, list):
        raise ImportFailed(["the file holds no list of annotations"])
    records, problems, first_with = [], [], {}
    for number, item in enumerate(items, start=1):
        try:
            record = parse(number, item)
        except _Bad as error:
            problems.append(f"record {number}: {error}")
            continue
        if record.uid in first_with:
            problems.append(
                f"record {number}: uid {record.uid} is also record {first_with[record.uid]}'s;"
                " a file holds each annotation once"
            )
        first_with.setdefault(record.uid, number)
        records.append(record)
    if problems:
        raise ImportFailed(problems)
    return records


def _jsonld_items(data) -> object:
    if isinstance(data, list):
        return data
    if data.get("type") == "Annotation":
        return [data]
    page = data.get("first") if data.get("type") == "AnnotationCollection" else data
    if not isinstance(page, dict):
        raise ImportFailed(["the collection's first page must be embedded in the file"])
    return page.get("items")


def _valid(validator, item) -> dict:
    problem = import_schema.first_problem(validator, item)
    if problem:
        raise _Bad(problem)
    return item


def _uid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.removeprefix("urn:uuid:"))
    except ValueError:
        raise _Bad(f"uid {value[:60]!r} is not a UUID") from None


def _time(value: str | None, name: str) -> datetime | None:
    """In UTC, as it will be stored; without a zone, it is taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{name} {value[:60]!r} is not a date and time") from None
    try:
        return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
    except OverflowError:
        raise _Bad(f"{name} {value!r} is out of range once in UTC") from None


def _from_json(number: int, item) -> Record:
    item = _valid(import_schema.record_validator, item)
    record = Record(
        number=number,
        uid=_uid(item["uid"]),
        username=item["user"]["username"],
        article=item["article"]["slug"],
        quote=item["quote"],
        prefix=item.get("prefix") or "",
        suffix=item.get("suffix") or "",
        note=item.get("note") or "",
        tags=[(tag["name"], tag.get("description") or "") for tag in item.get("tags") or []],
        visibility=item.get("visibility") or Annotation.Visibility.PRIVATE,
        created=_time(item.get("created"), "created"),
        modified=_time(item.get("modified"), "modified"),
        orphaned=item.get("anchor") == Annotation.Anchor.ORPHANED,
    )
    start_paragraph = item.get("paragraph")
    if start_paragraph is not None and not record.orphaned:
        end_paragraph = item.get("end_paragraph") or start_paragraph
        record.positions = (
            start_paragraph["position"],
            item["start"],
            end_paragraph["position"],
            item["end"],
        )
    return record


def _from_jsonld(number: int, item) -> Record:
    item = _valid(import_schema.jsonld_validator, item)
    target = item["target"]
    match = _ARTICLE_PATH.search(urlparse(target["source"]).path)
    if not match:
        raise _Bad(f"target.source {target['source'][:80]!r} is not an article of this archive")
    selectors = target["selector"]
    selectors = selectors if isinstance(selectors, list) else [selectors]
    by_type = {s["type"]: s for s in selectors if isinstance(s.get("type"), str)}
    quote = by_type.get("TextQuoteSelector")
    if quote is None:
        raise _Bad("target.selector has no TextQuoteSelector")
    creator = item.get("creator")
    if isinstance(creator, dict):
        creator = creator.get("nickname") or creator.get("name")
    identity = item.get("canonical") or item.get("id")
    record = Record(
        number=number,
        # An id that is no UUID still names the annotation: derive a stable one from it.
        uid=_uid(identity)
        if identity and identity.startswith("urn:uuid:")
        else uuid.uuid5(uuid.NAMESPACE_URL, identity or json.dumps(item, sort_keys=True)),
        username=creator if creator and creator.strip() else "imported",
        article=match["slug"],
        quote=quote["exact"],
        prefix=quote.get("prefix") or "",
        suffix=quote.get("suffix") or "",
        created=_time(item.get("created"), "created"),
        modified=_time(item.get("modified"), "modified"),
    )
    if (position := by_type.get("TextPositionSelector")) is not None:
        record.offsets = (position["start"], position["end"])
    bodies = item.get("body") or []
    for body in bodies if isinstance(bodies, list) else [bodies]:
        if not body.get("value"):
            continue
        if body.get("purpose") == "tagging":
            record.tags.append((body["value"], ""))
        elif not record.note:
            record.note = body["value"]
    return record


# Writing --------------------------------------------------------------------------------


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
        except (_Bad, Refused) as error:
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
        raise _Bad(f"article {record.article[:80]!r} is not in this archive: ingest it first")
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
        raise _Bad("the quote is empty")
    if len(record.note) > MAX_NOTE_CHARS:
        raise _Bad(f"the note is longer than {MAX_NOTE_CHARS:,} characters")
    for name, context in (("prefix", record.prefix), ("suffix", record.suffix)):
        if len(context) > MAX_CONTEXT_CHARS:
            raise _Bad(f"the {name} is longer than {MAX_CONTEXT_CHARS} characters")
    if len(record.tags) > MAX_TAGS:
        raise _Bad(f"it has {len(record.tags)} tags; an annotation has at most {MAX_TAGS}")
    for name, description in record.tags:
        if not name.strip() or len(name) > MAX_TAG_CHARS:
            raise _Bad(f"tag {name[:40]!r} must have 1 to {MAX_TAG_CHARS} characters")
        if len(description) > MAX_TAG_DESCRIPTION_CHARS:
            raise _Bad(
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
