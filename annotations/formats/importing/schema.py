"""The shape of an imported record, and its first fault in words.

The shapes are JSON Schema files in annotations/formats/schema/: one for a record of
Commonplace's JSON export, one for an item of W3C Web Annotation JSON-LD. They say what
each value must be; the limits on how long a note or a tag may be are the importer's, for
both formats at once. Faults are counted from 1 for people: `tags[2].name` is the second
tag's name.
"""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

SCHEMAS = Path(__file__).resolve().parent.parent / "schema"


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


record_validator = _validator("commonplace-record.json")
jsonld_validator = _validator("web-annotation-item.json")

_KINDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
}


def first_problem(validator: Draft202012Validator, item) -> str | None:
    """What is wrong with the item, in one line, or None if nothing is."""
    error = best_match(validator.iter_errors(item))
    return None if error is None else _describe(error)


def _describe(error: ValidationError) -> str:
    where = _where(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    custom = error.schema.get("messages", {}).get(kind) if isinstance(error.schema, dict) else None
    if custom:
        return custom
    if kind == "type":
        kinds = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(_KINDS[k] for k in kinds if k != "null")
        return f"{where or 'the record'} must be {wanted}, not {_what(value)}"
    if kind == "required":
        missing = next(name for name in expected if name not in value)
        return f"{where + '.' if where else ''}{missing} is missing"
    if kind == "minimum":
        return f"{where} must not be negative"
    if kind == "maximum":
        return f"{where} must be at most {expected:,}"
    if kind == "enum":
        return f"{where} must be one of {', '.join(v for v in expected if v is not None)}"
    if kind == "pattern":
        return f"{where} holds {_unstorable(value)}, which no database can store as text"
    return f"{where or 'the record'}: {error.message}"


def _where(path) -> str:
    where = ""
    for step in path:
        where += f"[{step + 1}]" if isinstance(step, int) else f"{'.' if where else ''}{step}"
    return where


def _what(value) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int | float):
        return repr(value)[:40]
    return _KINDS[{str: "string", list: "array", dict: "object"}[type(value)]]


def _unstorable(text: str) -> str:
    at, char = next((i, c) for i, c in enumerate(text) if c == "\x00" or "\ud800" <= c <= "\udfff")
    what = "a NUL character" if char == "\x00" else f"a lone surrogate (U+{ord(char):04X})"
    return f"{what} at character {at + 1}"
