"""How a file's bytes become text, for the plain-text reader and the saved-page reader
alike: one judgement of what is binary, and one fallback from UTF-8 to Windows-1252,
with the same warning and the same reasons. Plain Python."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import BinaryIO

from archive.parsing import ParseError

CP1252_WARNING = "not valid UTF-8; read as Windows-1252 (check accented letters and quotes)"
_CHUNK_BYTES = 1 << 16
# More C0 control characters than this share of a file means it is not text.
_MAX_CONTROL_SHARE = 0.01
_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F])
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
# Bytes that Windows-1252 leaves undefined: a file holding them is neither UTF-8 nor 1252.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


@dataclass(frozen=True)
class Encoding:
    name: str
    warnings: tuple[str, ...] = ()


class _BinaryCheck:
    """Bytes seen so far, chunk by chunk: refused at the first NUL, or at the end when
    too many are control characters."""

    def __init__(self) -> None:
        self.total = self.controls = 0

    def add(self, chunk: bytes) -> None:
        if b"\x00" in chunk:
            raise ParseError("binary file: it contains NUL bytes")
        self.total += len(chunk)
        self.controls += len(chunk.translate(None, _NOT_CONTROL_BYTES))

    def finish(self) -> None:
        if self.total and self.controls / self.total > _MAX_CONTROL_SHARE:
            raise ParseError("binary file: too many control characters to be text")


def refuse_binary(data: bytes) -> None:
    """Raise ParseError for bytes that are not text (a page read whole)."""
    check = _BinaryCheck()
    check.add(data)
    check.finish()


def undecodable(offset: int) -> ParseError:
    return ParseError(f"neither UTF-8 nor Windows-1252 (undecodable byte at offset {offset})")


def detect_encoding(stream: BinaryIO) -> Encoding:
    """Read a byte stream once, in chunks, and choose how to decode it.

    UTF-8 (with or without a BOM) first; a file that is not valid UTF-8 but is valid
    Windows-1252 is read as that, with a warning. Raises ParseError for binary files.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    binary = _BinaryCheck()
    is_utf8 = is_cp1252 = True
    offset = 0
    while chunk := stream.read(_CHUNK_BYTES):
        binary.add(chunk)
        if is_utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
        if is_cp1252 and (bad := _CP1252_UNDEFINED.search(chunk)):
            is_cp1252 = False
            first_bad = offset + bad.start()
        offset += len(chunk)
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    binary.finish()
    if is_utf8:
        return Encoding("utf-8-sig")
    if is_cp1252:
        return Encoding("cp1252", (CP1252_WARNING,))
    raise undecodable(first_bad)
