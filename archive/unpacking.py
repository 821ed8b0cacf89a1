"""Zip files of articles, unpacked where they cannot do harm: every member lands inside
the folder given, under a name of its own, and the unpacking stops at the limits.

A zip's headers may lie: a member's stated size is checked first (cheap refusal of an
honest bomb) and the bytes actually written are counted as well, so a member that
inflates past what it claimed is cut off and the whole zip refused. Members that would
climb out (`..`, an absolute path, a drive), links, and nested zips are refused, not
skipped, so that nothing of a doubtful zip is ingested. Plain Python: no Django.
"""

from __future__ import annotations

import shutil
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

_CHUNK = 1 << 16
# A small file may compress far (a page of spaces); a bomb is large by definition.
_RATIO_FROM_BYTES = 1024 * 1024
_END_OF_DIRECTORY = b"PK\x05\x06"
_END_RECORD_BYTES = 22
_MAX_COMMENT_BYTES = 0xFFFF
# A directory entry is 46 bytes and its name; with a long name and some extra fields, a
# thousand bytes is generous. The end record's count is 16 bits and zipfile ignores it,
# so a directory is bounded by its size too: a lying count cannot hide a million entries.
_MAX_ENTRY_BYTES = 1000
# What zipfile raises for a member it cannot inflate: damaged data, encryption, an
# unknown compression method.
_CANNOT_INFLATE = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError)


class UnpackError(Exception):
    """A zip that is not unpacked, and why, in one line."""


@dataclass(frozen=True)
class Limits:
    max_files: int = 500
    max_file_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 500 * 1024 * 1024
    max_ratio: int = 200  # uncompressed to compressed: more is a bomb, not prose
    # Entries of any kind (folders, files of other kinds): the directory is not even read
    # past this many.
    max_entries: int = 5_000


def unpack(
    zip_path: Path, into: Path, limits: Limits, extensions: frozenset[str]
) -> list[tuple[str, Path]]:
    """The files the zip holds whose extension a reader takes, each as (its name in the
    zip, where it was written under `into`, which must exist and be empty); folders and
    files of other kinds are left out. Raises UnpackError, having removed what it wrote,
    for a zip it will not unpack."""
    try:
        with open(zip_path, "rb") as stream:
            members = check_zip(stream, limits)
            wanted = readable(members, extensions)
            if len(wanted) > limits.max_files:
                raise UnpackError(f"{len(wanted):,} files in the zip; at most {limits.max_files:,}")
            with zipfile.ZipFile(stream) as archive:
                return _write_all(archive, wanted, into, limits)
    except zipfile.BadZipFile as error:
        _empty(into)
        raise UnpackError(f"not a zip file that can be read ({error})") from None
    except UnpackError:
        _empty(into)
        raise


def check_zip(stream: BinaryIO, limits: Limits) -> list[zipfile.ZipInfo]:
    """The zip's files (not its folders), checked from its end record and directory alone,
    before anything is inflated: names, links, sizes, how far each inflates."""
    check_directory(stream, limits.max_entries)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            # Not ZipInfo.is_dir(), which fails on an empty name (refused just below).
            members = [m for m in archive.infolist() if not m.filename.endswith("/")]
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError) as error:
        raise UnpackError(f"not a zip file that can be read ({error})") from None
    _check(members, limits)
    return members


def readable(members: list[zipfile.ZipInfo], extensions: frozenset[str]) -> list[zipfile.ZipInfo]:
    """The members a reader takes, by extension: what an unpacking writes."""
    return [m for m in members if PurePosixPath(m.filename).suffix.lower() in extensions]


def check_directory(stream: BinaryIO, max_entries: int) -> None:
    """Refuse, from the zip's end record, a directory of more entries than max_entries, by
    its count and by its size in bytes, before zipfile reads a directory that could list
    millions. A count of 0xFFFF means a Zip64 record holds the real one: more than any
    limit here anyway."""
    count, directory_bytes = _end_record(stream)
    if count > max_entries:
        raise UnpackError(f"{count:,} entries in the zip; at most {max_entries:,}")
    if directory_bytes > max_entries * _MAX_ENTRY_BYTES:
        raise UnpackError(
            f"a zip directory of {directory_bytes:,} bytes, longer than "
            f"{max_entries:,} entries take"
        )


def declared_entries(stream: BinaryIO) -> int:
    """How many entries the zip's end record says it holds (see check_directory)."""
    return _end_record(stream)[0]


def _end_record(stream: BinaryIO) -> tuple[int, int]:
    """The end record's entry count and directory size in bytes."""
    size = stream.seek(0, 2)
    tail_bytes = min(size, _END_RECORD_BYTES + _MAX_COMMENT_BYTES)
    stream.seek(size - tail_bytes)
    tail = stream.read(tail_bytes)
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < _END_RECORD_BYTES:
        raise UnpackError("not a zip file: it ends without a zip directory")
    count, directory_bytes = struct.unpack_from("<HI", tail, at + 10)
    return count, directory_bytes


def escapes(name: str) -> bool:
    """A member name that would land outside the folder it is unpacked into."""
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        "\x00" in name
        or path.is_absolute()
        or ".." in path.parts
        or bool(path.parts and ":" in path.parts[0])
    )


def inflates_too_far(member: zipfile.ZipInfo, max_ratio: int) -> bool:
    """A member that would inflate further than prose does: a bomb. A small one may
    compress far (a page of spaces) and is let be."""
    big = member.file_size > _RATIO_FROM_BYTES
    return big and member.file_size > max_ratio * max(member.compress_size, 1)


def _check(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = 0
    for member in members:
        _check_name(member)
        if member.file_size > limits.max_file_bytes:
            raise UnpackError(f"{member.filename}: larger than {_mb(limits.max_file_bytes)}")
        if inflates_too_far(member, limits.max_ratio):
            raise UnpackError(f"{member.filename}: compressed too far to be text (a zip bomb?)")
        total += member.file_size
    if total > limits.max_total_bytes:
        raise UnpackError(f"{_mb(total)} unpacked; at most {_mb(limits.max_total_bytes)}")


def _check_name(member: zipfile.ZipInfo) -> None:
    name = member.filename
    if not name.strip():
        raise UnpackError("a file without a name in the zip")
    if escapes(name):
        raise UnpackError(f"{name!r}: a name that would leave the upload's folder")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise UnpackError(f"{name}: a symbolic link, which is never followed")
    if PurePosixPath(name).suffix.lower() == ".zip":
        raise UnpackError(f"{name}: a zip inside the zip; unpack it and upload its files")


def _write_all(archive, members, into: Path, limits: Limits) -> list[tuple[str, Path]]:
    written, total = [], 0
    for number, member in enumerate(members, 1):
        # A name of ours: no member decides where in the folder it goes, or how long
        # its name is.
        target = into / f"{number:04d}{PurePosixPath(member.filename).suffix.lower()[:10]}"
        total += _write_one(archive, member, target, limits)
        if total > limits.max_total_bytes:
            raise UnpackError(f"more than {_mb(limits.max_total_bytes)} unpacked")
        written.append((member.filename, target))
    return written


def _write_one(archive, member: zipfile.ZipInfo, target: Path, limits: Limits) -> int:
    size = 0
    try:
        with archive.open(member) as source, open(target, "xb") as out:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                if size > limits.max_file_bytes or size > member.file_size:
                    raise UnpackError(f"{member.filename}: holds more than its header says")
                out.write(chunk)
    except _CANNOT_INFLATE as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise UnpackError(f"{member.filename}: damaged or encrypted ({reason})") from None
    return size


def _empty(folder: Path) -> None:
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"
