"""Imports hold records to the API's limits, say what is wrong as "record N: why" and
write nothing then, never give annotations to a local user unless told to, and no input
makes them fail with a traceback."""

import copy
import io
import json
import os
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.formats.importing import ImportFailed, import_records, read_bytes
from annotations.models import Annotation
from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")
# Examples per fuzzed test: FUZZ_EXAMPLES=2000 for a longer run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
User = get_user_model()


@pytest.fixture
def backup(users) -> dict:
    """An export of three annotations (owner's and other's), which are then deleted."""
    annotate(users.owner, "prawn cocktail offensive to evolve", note="mine", tags=["City"])
    annotate(users.owner, "Trots?", visibility="shared")
    annotate(users.other, "Sabotage", note="theirs", visibility="shared")
    out = io.StringIO()
    call_command("export_annotations", "--format", "json", stdout=out, stderr=io.StringIO())
    Annotation.objects.all().delete()
    return json.loads(out.getvalue())


def run_import(tmp_path, data, *args) -> str:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("import_annotations", str(path), *args, stdout=out)
    return out.getvalue()


def refused(tmp_path, data, *args) -> str:
    users_before = set(User.objects.values_list("username", flat=True))
    with pytest.raises(CommandError) as failure:
        run_import(tmp_path, data, *args)
    assert not Annotation.objects.exists()
    assert set(User.objects.values_list("username", flat=True)) == users_before
    return str(failure.value)


# Records at fault -------------------------------------------------------------------------


def test_a_uid_twice_in_one_file_is_named(backup, tmp_path):
    backup["annotations"].append(copy.deepcopy(backup["annotations"][0]))
    uid = backup["annotations"][0]["uid"]
    message = refused(tmp_path, backup, "--keep-annotators")
    assert f"record 4: uid {uid} is also record 1's; a file holds each annotation once" in message


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("note", "a lone \ud800 surrogate", "note holds a lone surrogate (U+D800) at character 8"),
        ("quote", "Trots?\udfff", "quote holds a lone surrogate (U+DFFF) at character 7"),
        ("note", "a NUL \x00 here", "note holds a NUL character at character 7"),
    ],
)
def test_text_no_database_can_store_is_named(backup, tmp_path, field, value, message):
    backup["annotations"][1][field] = value
    assert f"record 2: {message}, which no database can store as text" in refused(
        tmp_path, backup, "--keep-annotators"
    )


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-00:31"]
)
def test_a_date_out_of_range_is_named(backup, tmp_path, value):
    backup["annotations"][2]["modified"] = value
    assert f"record 3: modified '{value}' is out of range once in UTC" in refused(
        tmp_path, backup, "--keep-annotators"
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r.update(prefix="p" * 33), "the prefix is longer than 32 characters"),
        (lambda r: r.update(suffix="s" * 33), "the suffix is longer than 32 characters"),
        (lambda r: r.update(note="n" * 20_001), "the note is longer than 20,000 characters"),
        (
            lambda r: r.update(tags=[{"name": f"t{n}"} for n in range(51)]),
            "it has 51 tags; an annotation has at most 50",
        ),
        (
            lambda r: r.update(tags=[{"name": "x" * 101}]),
            f"tag {'x' * 40!r} must have 1 to 100 characters",
        ),
        (lambda r: r.update(tags=[{"name": "  "}]), "tag '  ' must have 1 to 100 characters"),
        (
            lambda r: r.update(tags=[{"name": "City", "description": "d" * 2_001}]),
            "the description of tag 'City' is longer than 2,000 characters",
        ),
        (lambda r: r.update(start=2**31), "start must be at most 2,147,483,647"),
        (
            lambda r: r["paragraph"].update(position=2**63),
            "paragraph.position must be at most 2,147,483,647",
        ),
        (lambda r: r["tags"][0].update(name=7), "tags[1].name must be text, not 7"),
        (lambda r: r.pop("end"), "end is missing"),
        (
            lambda r: r["user"].update(username="u" * 151),
            f"user {'u' * 40!r} is longer than 150 characters",
        ),
        (
            lambda r: r["user"].update(username="new user"),
            "user 'new user' is not a valid username",
        ),
    ],
)
def test_records_are_held_to_the_api_limits(backup, tmp_path, change, message):
    change(backup["annotations"][0])
    assert f"record 1: {message}" in refused(tmp_path, backup, "--keep-annotators")


# Whose the annotations become -------------------------------------------------------------


def test_annotations_are_not_given_to_local_users_unasked(backup, tmp_path):
    message = refused(tmp_path, backup)
    assert "record 1: user 'owner' has an account here" in message
    assert "--as NAME" in message and "--keep-annotators" in message
    assert "record 3: user 'other' has an account here" in message


@pytest.mark.parametrize("name", ["OWNER", "ｏｗｎｅｒ"])
def test_a_lookalike_of_a_local_user_is_that_user(backup, tmp_path, name):
    """Sign-up would refuse a second "owner" in other case or width: so does an import."""
    for record in backup["annotations"]:
        record["user"]["username"] = name
    shown = unicodedata.normalize("NFKC", name)  # "ｏｗｎｅｒ" is "owner"; "OWNER" stays
    assert f"record 1: user {shown!r} has an account here" in refused(tmp_path, backup)
    run_import(tmp_path, backup, "--keep-annotators")
    assert set(Annotation.objects.values_list("owner__username", flat=True)) == {"owner"}


def test_as_makes_every_annotation_that_users(backup, tmp_path, users):
    backup["annotations"][0]["user"]["username"] = "stranger"
    assert "3 annotations imported" in run_import(tmp_path, backup, "--as", "other")
    assert set(Annotation.objects.values_list("owner__username", flat=True)) == {"other"}
    assert not User.objects.filter(username="stranger").exists()
    with pytest.raises(CommandError, match="There is no user 'nobody' to import as"):
        run_import(tmp_path, backup, "--as", "nobody")
    with pytest.raises(CommandError, match="not allowed with argument"):
        run_import(tmp_path, backup, "--as", "other", "--keep-annotators")


def test_keep_annotators_restores_each_to_its_own(backup, tmp_path, users):
    backup["annotations"][1]["user"]["username"] = "newcomer"
    assert "3 annotations imported" in run_import(tmp_path, backup, "--keep-annotators")
    owners = dict(Annotation.objects.values_list("note", "owner__username"))
    assert owners == {"mine": "owner", "": "newcomer", "theirs": "other"}
    assert not User.objects.get(username="newcomer").has_usable_password()


def test_new_annotators_need_no_flag(backup, tmp_path):
    for record in backup["annotations"]:
        record["user"]["username"] = "colleague"
    assert "3 annotations imported" in run_import(tmp_path, backup)
    assert set(Annotation.objects.values_list("owner__username", flat=True)) == {"colleague"}


# No input gives a traceback ---------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
# Values of the right shape, often: text of any kind, and lists of tags.
PLAUSIBLE = st.text(max_size=40) | st.lists(
    st.fixed_dictionaries({"name": st.text(max_size=12)}, optional={"description": st.text()}),
    max_size=3,
)
FIELDS = [
    "uid", "user", "article", "paragraph", "end_paragraph", "start", "end", "quote",
    "prefix", "suffix", "note", "tags", "visibility", "anchor", "created", "modified",
]  # fmt: skip


def attribution(whose: str, users) -> dict:
    return {"as other": {"as_user": users.other}, "keep": {"keep_annotators": True}}.get(whose, {})


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(FIELDS), JSON_VALUES | PLAUSIBLE),
        max_size=4,
    ),
    whose=st.sampled_from(["as other", "keep", "unsaid"]),
)
def test_no_changed_record_gives_a_traceback(backup, users, changes, whose):
    Annotation.objects.all().delete()  # else all but the first would be "already here"
    data = copy.deepcopy(backup)
    for index, name, value in changes:
        data["annotations"][index][name] = value
    try:
        records = read_bytes(json.dumps(data).encode())
        import_records(records, **attribution(whose, users))
    except ImportFailed as failure:
        assert failure.problems
        assert all(line.startswith("record ") for line in failure.problems), failure.problems


@pytest.fixture
def jsonld(backup, tmp_path) -> dict:
    run_import(tmp_path, backup, "--keep-annotators")
    out = io.StringIO()
    call_command("export_annotations", "--format", "jsonld", stdout=out, stderr=io.StringIO())
    Annotation.objects.all().delete()
    return json.loads(out.getvalue())


JSONLD_PLACES = [
    ("target",), ("target", "source"), ("target", "selector"), ("body",), ("creator",),
    ("id",), ("canonical",), ("created",), ("modified",), ("type",),
]  # fmt: skip


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(JSONLD_PLACES), JSON_VALUES | PLAUSIBLE),
        max_size=3,
    ),
    whose=st.sampled_from(["as other", "keep", "unsaid"]),
)
def test_no_changed_jsonld_item_gives_a_traceback(jsonld, users, changes, whose):
    Annotation.objects.all().delete()
    data = copy.deepcopy(jsonld)
    for index, path, value in changes:
        item = data["first"]["items"][index]
        parent = item.get(path[0]) if len(path) == 2 else item
        if isinstance(parent, dict):
            parent[path[-1]] = value
    try:
        import_records(read_bytes(json.dumps(data).encode()), **attribution(whose, users))
    except ImportFailed as failure:
        assert all(line.startswith("record ") for line in failure.problems), failure.problems


WRAPPED = st.lists(JSON_VALUES, max_size=3).flatmap(
    lambda items: st.sampled_from(
        [
            {"format": "commonplace-annotations", "annotations": items},
            {"type": "AnnotationPage", "items": items},
            {"type": "AnnotationCollection", "first": {"items": items}},
            items,
        ]
    )
)


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(data=JSON_VALUES | WRAPPED)
def test_no_file_gives_a_traceback(data):
    try:
        read_bytes(json.dumps(data).encode())
    except ImportFailed as failure:
        assert failure.problems and all(isinstance(line, str) for line in failure.problems)


def test_the_schemas_are_json_schema_and_know_every_visibility():
    """The shapes are plain JSON Schema files, checked as such; the record's visibilities
    are the model's own."""
    from jsonschema import Draft202012Validator

    from annotations.formats.importing import schema

    for path in schema.SCHEMAS.glob("*.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
    visibility = schema.record_validator.schema["properties"]["visibility"]["enum"]
    assert visibility == [*Annotation.Visibility.values, None]
