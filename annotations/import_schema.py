"""The shape of an imported record, as JSON Schema, and its first fault in words.

One schema for a record of Commonplace's JSON export, one for an item of W3C Web
Annotation JSON-LD. They say what each value must be; the limits on how long a note or a
tag may be are the importer's, for both formats at once. Counted from 1 for people:
`tags[2].name` is the second tag's name.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from annotations.models import Annotation

MAX_COUNT = 2**31 - 1  # an offset or a position: what every database stores as an integer
# What a database can store as text: PostgreSQL refuses NUL, and UTF-8 has no lone surrogate.
_STORABLE = r"^[^\x00\ud800-\udfff]*$"

TEXT = {"type": "string", "pattern": _STORABLE}
OPTIONAL_TEXT = {"type": ["string", "null"], "pattern": _STORABLE}
COUNT = {"type": "integer", "minimum": 0, "maximum": MAX_COUNT}
PARAGRAPH = {
    "type": ["object", "null"],
    "required": ["position"],
    "properties": {"position": COUNT},
}

RECORD = {
    "type": "object",
    "required": ["uid", "user", "article", "quote"],
    "properties": {
        "uid": TEXT,
        "user": {"type": "object", "required": ["username"], "properties": {"username": TEXT}},
        "article": {"type": "object", "required": ["slug"], "properties": {"slug": TEXT}},
        "paragraph": PARAGRAPH,
        "end_paragraph": PARAGRAPH,
        "start": COUNT,
        "end": COUNT,
        "quote": TEXT,
        "prefix": OPTIONAL_TEXT,
        "suffix": OPTIONAL_TEXT,
        "note": OPTIONAL_TEXT,
        "tags": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "messages": {"type": "each of tags must be an object with a name"},
                "required": ["name"],
                "properties": {"name": TEXT, "description": OPTIONAL_TEXT},
            },
        },
        "visibility": {"enum": [*Annotation.Visibility.values, None]},
        "anchor": OPTIONAL_TEXT,
        "created": OPTIONAL_TEXT,
        "modified": OPTIONAL_TEXT,
    },
    # A passage placed in a paragraph has its offsets there.
    "if": {"required": ["paragraph"], "properties": {"paragraph": {"type": "object"}}},
    "then": {"required": ["start", "end"]},
}

_SELECTOR = {
    "type": "object",
    "allOf": [
        {
            "if": {"required": ["type"], "properties": {"type": {"const": "TextQuoteSelector"}}},
            "then": {
                "required": ["exact"],
                "properties": {"exact": TEXT, "prefix": OPTIONAL_TEXT, "suffix": OPTIONAL_TEXT},
            },
        },
        {
            "if": {"required": ["type"], "properties": {"type": {"const": "TextPositionSelector"}}},
            "then": {"required": ["start", "end"], "properties": {"start": COUNT, "end": COUNT}},
        },
    ],
}
JSONLD_ITEM = {
    "type": "object",
    "required": ["target"],
    "properties": {
        "target": {
            "type": "object",
            "messages": {"type": "target must describe the passage, not only name the article"},
            "required": ["source", "selector"],
            "properties": {
                "source": TEXT,
                "selector": {
                    "type": ["object", "array"],
                    "if": {"type": "object"},
                    "then": _SELECTOR,
                    "else": {"items": _SELECTOR},
                },
            },
        },
        "body": {
            "type": ["object", "array", "null"],
            "if": {"type": "object"},
            "then": {"properties": {"value": OPTIONAL_TEXT, "purpose": OPTIONAL_TEXT}},
            "else": {
                "items": {
                    "type": "object",
                    "properties": {"value": OPTIONAL_TEXT, "purpose": OPTIONAL_TEXT},
                }
            },
        },
        "creator": {
            "type": ["object", "string", "null"],
            "pattern": _STORABLE,
            "properties": {"nickname": OPTIONAL_TEXT, "name": OPTIONAL_TEXT},
        },
        "id": OPTIONAL_TEXT,
        "canonical": OPTIONAL_TEXT,
        "created": OPTIONAL_TEXT,
        "modified": OPTIONAL_TEXT,
    },
}

record_validator = Draft202012Validator(RECORD)
jsonld_validator = Draft202012Validator(JSONLD_ITEM)

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
