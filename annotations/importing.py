"""Annotations in, from Commonplace's JSON or its W3C Web Annotation JSON-LD.

All or nothing: every record is read and checked before anything is written, and a file
with one bad record writes nothing and says which record is wrong and why. Idempotent:
an annotation already here (the same uid) is left as it is. Paragraph ids differ between
databases, so a passage is placed by its article and paragraph position, and re-anchored
by its quote, prefix and suffix where the text differs, as ingest does.
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
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.anchoring import ArticleText, Outcome, Passage, Position, locate
from annotations.export_formats import JSON_FORMAT
from annotations.models import Annotation, Tag, article_text
from annotations.serializers import MAX_NOTE_CHARS, MAX_TAG_CHARS
from archive.models import Article, Paragraph

MAX_IMPORT_BYTES = 200 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 20
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
    records, problems = [], []
    for number, item in enumerate(items, start=1):
        try:
            if not isinstance(item, dict):
                raise _Bad("it is not a JSON object")
            records.append(parse(number, item))
        except _Bad as error:
            problems.append(f"record {number}: {error}")
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


def _get(item: dict, key: str, kind: type | tuple, default=..., where: str = ""):
    """A value of the expected type, or a one-line reason why not."""
    name = f"{where}{key}"
    if key not in item or item[key] is None:
        if default is ...:
            raise _Bad(f"{name} is missing")
        return default
    value = item[key]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise _Bad(f"{name} must be {_kind_name(kind)}, not {value!r}")
    if not isinstance(value, kind):
        raise _Bad(f"{name} must be {_kind_name(kind)}, not {type(value).__name__}")
    return value


def _kind_name(kind) -> str:
    names = {str: "text", int: "a whole number", dict: "an object", list: "a list"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _offset(item: dict, key: str, where: str = "") -> int:
    value = _get(item, key, int, where=where)
    if value < 0:
        raise _Bad(f"{where}{key} must not be negative")
    return value


def _uid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.removeprefix("urn:uuid:"))
    except ValueError:
        raise _Bad(f"uid {value!r} is not a UUID") from None


def _time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Bad(f"{name} {value!r} is not a date and time") from None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _visibility(value: str) -> str:
    if value not in Annotation.Visibility.values:
        raise _Bad(f"visibility must be one of {', '.join(Annotation.Visibility.values)}")
    return value


def _from_json(number: int, item: dict) -> Record:
    user = _get(item, "user", dict)
    article = _get(item, "article", dict)
    record = Record(
        number=number,
        uid=_uid(_get(item, "uid", str)),
        username=_get(user, "username", str, where="user."),
        article=_get(article, "slug", str, where="article."),
        quote=_get(item, "quote", str),
        prefix=_get(item, "prefix", str, ""),
        suffix=_get(item, "suffix", str, ""),
        note=_get(item, "note", str, ""),
        visibility=_visibility(_get(item, "visibility", str, "private")),
        created=_time(_get(item, "created", str, None), "created"),
        modified=_time(_get(item, "modified", str, None), "modified"),
        orphaned=_get(item, "anchor", str, "anchored") == Annotation.Anchor.ORPHANED,
    )
    for tag in _get(item, "tags", list, []):
        if not isinstance(tag, dict):
            raise _Bad("each of tags must be an object with a name")
        record.tags.append(
            (_get(tag, "name", str, where="tag."), _get(tag, "description", str, "", "tag."))
        )
    start_paragraph = _get(item, "paragraph", dict, None)
    end_paragraph = _get(item, "end_paragraph", dict, None) or start_paragraph
    if start_paragraph is not None and not record.orphaned:
        record.positions = (
            _offset(start_paragraph, "position", "paragraph."),
            _offset(item, "start"),
            _offset(end_paragraph, "position", "end_paragraph."),
            _offset(item, "end"),
        )
    return record


def _from_jsonld(number: int, item: dict) -> Record:
    target = _get(item, "target", (dict, str))
    if isinstance(target, str):
        raise _Bad("target must describe the passage, not only name the article")
    source = _get(target, "source", str, where="target.")
    match = _ARTICLE_PATH.search(urlparse(source).path)
    if not match:
        raise _Bad(f"target.source {source!r} is not an article of this archive")
    selectors = _get(target, "selector", (dict, list), where="target.")
    selectors = selectors if isinstance(selectors, list) else [selectors]
    by_type = {s.get("type"): s for s in selectors if isinstance(s, dict)}
    quote = by_type.get("TextQuoteSelector")
    if quote is None:
        raise _Bad("target.selector has no TextQuoteSelector")
    creator = item.get("creator")
    username = (
        creator.get("nickname") or creator.get("name") if isinstance(creator, dict) else creator
    )
    identity = _get(item, "canonical", str, None) or _get(item, "id", str, None)
    record = Record(
        number=number,
        # An id that is no UUID still names the annotation: derive a stable one from it.
        uid=_uid(identity)
        if identity and identity.startswith("urn:uuid:")
        else uuid.uuid5(uuid.NAMESPACE_URL, identity or json.dumps(item, sort_keys=True)),
        username=username if isinstance(username, str) and username.strip() else "imported",
        article=match["slug"],
        quote=_get(quote, "exact", str, where="TextQuoteSelector."),
        prefix=_get(quote, "prefix", str, "", "TextQuoteSelector."),
        suffix=_get(quote, "suffix", str, "", "TextQuoteSelector."),
        created=_time(_get(item, "created", str, None), "created"),
        modified=_time(_get(item, "modified", str, None), "modified"),
    )
    position = by_type.get("TextPositionSelector")
    if position is not None:
        record.offsets = (
            _offset(position, "start", "TextPositionSelector."),
            _offset(position, "end", "TextPositionSelector."),
        )
    bodies = _get(item, "body", (dict, list), [])
    for body in bodies if isinstance(bodies, list) else [bodies]:
        if not isinstance(body, dict) or not isinstance(body.get("value"), str):
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


def import_records(records: list[Record]) -> ImportReport:
    """Check every record, then write them all in one transaction, or nothing."""
    report = ImportReport()
    known = set(
        Annotation.objects.filter(uid__in=[r.uid for r in records]).values_list("uid", flat=True)
    )
    placed, problems, texts = [], [], {}
    for record in records:
        if record.uid in known:
            report.outcomes["existing"] += 1
            continue
        try:
            placed.append(_place(record, texts))
        except _Bad as error:
            problems.append(f"record {record.number}: {error}")
    if problems:
        raise ImportFailed(problems)
    with transaction.atomic():
        for item in placed:
            _write(item)
            report.outcomes[item.outcome] += 1
    return report


def _place(record: Record, texts: dict) -> _Placed:
    article = Article.objects.filter(slug=record.article).first()
    if article is None:
        raise _Bad(f"article {record.article!r} is not in this archive: ingest it first")
    _check(record)
    if record.orphaned:
        return _Placed(record, article, Outcome.ORPHANED, None, None)
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
    return _Placed(
        record, article, "restored" if restored else result.outcome, result.passage, text
    )


def _check(record: Record) -> None:
    """The limits the API holds annotations to, for records that never passed through it."""
    try:
        UnicodeUsernameValidator()(record.username)
    except ValidationError:
        raise _Bad(f"user {record.username[:40]!r} is not a valid username") from None
    if len(record.username) > 150:
        raise _Bad("the username is longer than 150 characters")
    if not record.quote.strip():
        raise _Bad("the quote is empty")
    if len(record.note) > MAX_NOTE_CHARS:
        raise _Bad(f"the note is longer than {MAX_NOTE_CHARS:,} characters")
    for name, _ in record.tags:
        if not name.strip() or len(name) > MAX_TAG_CHARS:
            raise _Bad(f"tag {name[:40]!r} must have 1 to {MAX_TAG_CHARS} characters")


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


def _write(item: _Placed) -> None:
    record = item.record
    user = _user(record.username)
    now = timezone.now()
    annotation = Annotation(
        uid=record.uid,
        owner=user,
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
    annotation.tags.set([_tag(name.strip(), description) for name, description in record.tags])


def _user(username: str):
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        # Someone else's annotations arrive with their name, but no way to log in as them.
        user = users.create_user(username=username)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _tag(name: str, description: str) -> Tag:
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is None:
        tag = Tag.objects.create(name=name, description=description)
    elif description and not tag.description:
        tag.description = description
        tag.save(update_fields=["description"])
    return tag
