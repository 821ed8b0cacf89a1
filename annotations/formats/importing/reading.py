"""Records out of a file: Commonplace's JSON or W3C Web Annotation JSON-LD, each record
checked against its JSON Schema (schema.py) before it is read."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from annotations.formats.importing import schema
from annotations.formats.importing.records import ImportFailed, Record, RecordProblem
from annotations.formats.json import JSON_FORMAT
from annotations.models import Annotation

MAX_IMPORT_BYTES = 200 * 1024 * 1024
_ARTICLE_PATH = re.compile(r"/articles/(?P<slug>[^/]+)/?$")


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
        except RecordProblem as error:
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
    problem = schema.first_problem(validator, item)
    if problem:
        raise RecordProblem(problem)
    return item


def _uid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.removeprefix("urn:uuid:"))
    except ValueError:
        raise RecordProblem(f"uid {value[:60]!r} is not a UUID") from None


def _time(value: str | None, name: str) -> datetime | None:
    """In UTC, as it will be stored; without a zone, it is taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RecordProblem(f"{name} {value[:60]!r} is not a date and time") from None
    try:
        return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
    except OverflowError:
        raise RecordProblem(f"{name} {value!r} is out of range once in UTC") from None


def _from_json(number: int, item) -> Record:
    item = _valid(schema.record_validator, item)
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
    item = _valid(schema.jsonld_validator, item)
    # Several targets name the passage in several places (ours: here, and in the page
    # the article first appeared on); the one in an article of this archive is read.
    targets = item["target"] if isinstance(item["target"], list) else [item["target"]]
    found = [(t, _ARTICLE_PATH.search(urlparse(t["source"]).path)) for t in targets]
    target, match = next(((t, m) for t, m in found if m), found[0])
    if not match:
        raise RecordProblem(
            f"target.source {target['source'][:80]!r} is not an article of this archive"
        )
    selectors = target["selector"]
    selectors = selectors if isinstance(selectors, list) else [selectors]
    by_type = {s["type"]: s for s in selectors if isinstance(s.get("type"), str)}
    quote = by_type.get("TextQuoteSelector")
    if quote is None:
        raise RecordProblem("target.selector has no TextQuoteSelector")
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
