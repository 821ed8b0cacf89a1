"""Imports: the round trip through a fresh database, idempotence, re-anchoring, and
all-or-nothing failures that name the record."""

import io
import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.formats.importing import reading
from annotations.models import Annotation, Tag
from archive.models import Article, Paragraph
from tests.annotations.conftest import export
from tests.conftest import CORPUS

pytestmark = pytest.mark.usefixtures("ingested")


def import_file(path, *args) -> str:
    out = io.StringIO()
    call_command("import_annotations", str(path), *args, stdout=out)
    return out.getvalue()


def fresh_archive():
    """As after migrate and ingest on another server: new ids for the same corpus."""
    Annotation.objects.all().delete()
    Tag.objects.all().delete()
    Article.objects.all().delete()
    get_user_model().objects.all().delete()
    call_command("ingest", str(CORPUS), stdout=io.StringIO(), stderr=io.StringIO())


def fields(annotation: Annotation) -> dict:
    return {
        "uid": annotation.uid,
        "quote": annotation.quote,
        "start": (annotation.start_paragraph.position, annotation.start_offset),
        "end": (annotation.end_paragraph.position, annotation.end_offset),
        "note": annotation.note,
        "tags": sorted(t.name for t in annotation.tags.all()),
        "visibility": annotation.visibility,
        "annotator": annotation.owner.username,
        "created": annotation.created,
        "modified": annotation.modified,
    }


def test_round_trip_through_a_fresh_database(library, tmp_path):
    before = {a.uid: fields(a) for a in Annotation.objects.all()}
    old_ids = set(Paragraph.objects.values_list("pk", flat=True))
    path = tmp_path / "backup.json"
    call_command("export_annotations", "--format", "json", "-o", str(path), stderr=io.StringIO())
    fresh_archive()
    assert not old_ids & set(Paragraph.objects.values_list("pk", flat=True))
    assert "5 annotations imported; 0 already here" in import_file(path)
    after = {a.uid: fields(a) for a in Annotation.objects.all()}
    assert after == before
    owner = get_user_model().objects.get(username="owner")
    assert not owner.has_usable_password()


def test_importing_twice_adds_nothing(library, tmp_path):
    path = tmp_path / "backup.json"
    path.write_text(export("--format", "json"), encoding="utf-8")
    assert "0 annotations imported; 5 already here" in import_file(path)
    assert Annotation.objects.count() == 5


def test_import_re_anchors_by_quote_when_the_text_moved(library, tmp_path, corpus_text, write_file):
    path = tmp_path / "backup.json"
    path.write_text(export("--format", "json"), encoding="utf-8")
    position = library["prawn"].start_paragraph.position
    Annotation.objects.all().delete()
    changed = corpus_text.replace(
        "It was right to argue", "A new paragraph.\n\nIt was right to argue"
    )
    call_command("ingest", str(write_file(CORPUS.name, changed)), stdout=io.StringIO())
    report = import_file(path, "--keep-annotators")
    assert "2 placed by their quote" in report  # the two after the new paragraph
    prawn = Annotation.objects.get(uid=library["prawn"].uid)
    assert prawn.start_paragraph.position == position + 1
    assert prawn.start_paragraph.text[prawn.start_offset : prawn.end_offset] == prawn.quote


def test_import_jsonld(library, tmp_path):
    path = tmp_path / "export.jsonld"
    path.write_text(export("--format", "jsonld"), encoding="utf-8")
    before = {
        a.uid: (a.quote, a.start_paragraph_id, a.start_offset, a.end_offset, a.note)
        for a in Annotation.objects.all()
    }
    Annotation.objects.all().delete()
    assert "5 annotations imported" in import_file(path, "--keep-annotators")
    after = {
        a.uid: (a.quote, a.start_paragraph_id, a.start_offset, a.end_offset, a.note)
        for a in Annotation.objects.all()
    }
    assert after == before
    prawn = Annotation.objects.get(uid=library["prawn"].uid)
    assert sorted(t.name for t in prawn.tags.all()) == ["City", "Finance"]
    assert prawn.created == library["prawn"].created.replace(microsecond=0)
    assert "0 annotations imported; 5 already here" in import_file(path)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r.update(start="ten"), "record 2: start must be a whole number, not text"),
        (lambda r: r.update(start=True), "record 2: start must be a whole number, not true"),
        (lambda r: r.update(start=-4), "record 2: start must not be negative"),
        (lambda r: r.pop("quote"), "record 2: quote is missing"),
        (lambda r: r.update(uid="not-a-uuid"), "record 2: uid 'not-a-uuid' is not a UUID"),
        (
            lambda r: r.update(visibility="public"),
            "record 2: visibility must be one of private, shared",
        ),
        (
            lambda r: r.update(created="yesterday"),
            "record 2: created 'yesterday' is not a date and time",
        ),
        (
            lambda r: r.update(tags=["loose"]),
            "record 2: each of tags must be an object with a name",
        ),
        (
            lambda r: r["article"].update(slug="no-such-article"),
            "record 2: article 'no-such-article' is not in this archive",
        ),
        (
            lambda r: r["user"].update(username="<script>"),
            "record 2: user '<script>' is not a valid username",
        ),
        (
            lambda r: r.update(note="x" * 20_001),
            "record 2: the note is longer than 20,000 characters",
        ),
    ],
)
def test_an_invalid_import_writes_nothing_and_names_the_record(library, tmp_path, change, message):
    data = json.loads(export("--format", "json"))
    Annotation.objects.all().delete()
    change(data["annotations"][1])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        import_file(path)
    assert message in str(failure.value)
    assert str(failure.value).startswith(f"Nothing was imported from {path}")
    assert not Annotation.objects.exists()
    assert not get_user_model().objects.filter(username="<script>").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        (b"not json at all", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b'{"hello": "world"}', "neither Commonplace's JSON export nor W3C"),
        (
            b'{"format": "commonplace-annotations", "annotations": {"a": 1}}',
            "no list of annotations",
        ),
        (
            b'{"type": "AnnotationCollection", "first": "https://elsewhere/page1"}',
            "first page must be embedded",
        ),
        (
            b'[{"type": "Annotation", "target": "https://x/articles/y/"}]',
            "record 1: target must describe the passage",
        ),
        (b"[1, 2]", "record 1: the record must be an object, not 1"),
    ],
)
def test_hostile_import_files_fail_cleanly(tmp_path, content, message):
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        import_file(path)
    assert not Annotation.objects.exists()


def test_an_oversized_or_missing_file_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_text("[]", encoding="utf-8")
    monkeypatch.setattr(reading, "MAX_IMPORT_BYTES", 1)
    with pytest.raises(CommandError, match="the limit is 1"):
        import_file(path)
    with pytest.raises(CommandError, match="cannot read"):
        import_file(tmp_path / "missing.json")


def test_imported_times_without_a_zone_are_utc(library, tmp_path):
    data = json.loads(export("--format", "json"))
    Annotation.objects.all().delete()
    data["annotations"][0]["created"] = "2020-01-02T03:04:05"
    path = tmp_path / "naive.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    import_file(path, "--keep-annotators")
    created = Annotation.objects.get(uid=data["annotations"][0]["uid"]).created
    assert created == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
