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
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_CHUNK = 1 << 16
# A small file may compress far (a page of spaces); a bomb is large by definition.
_RATIO_FROM_BYTES = 1024 * 1024


class UnpackError(Exception):
    """A zip that is not unpacked, and why, in one line."""


@dataclass(frozen=True)
class Limits:
    max_files: int = 500
    max_file_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 500 * 1024 * 1024
    max_ratio: int = 200  # uncompressed to compressed: more is a bomb, not prose


def unpack(
    zip_path: Path, into: Path, limits: Limits, extensions: frozenset[str]
) -> list[tuple[str, Path]]:
    """The files the zip holds whose extension a reader takes, each as (its name in the
    zip, where it was written under `into`, which must exist and be empty); folders and
    files of other kinds are left out. Raises UnpackError, having removed what it wrote,
    for a zip it will not unpack."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            _check(members, limits)
            wanted = [m for m in members if PurePosixPath(m.filename).suffix.lower() in extensions]
            return _write_all(archive, wanted, into, limits)
    except zipfile.BadZipFile as error:
        raise UnpackError(f"not a zip file that can be read ({error})") from None
    except UnpackError:
        _empty(into)
        raise


def _check(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(members) > limits.max_files:
        raise UnpackError(f"{len(members):,} files in the zip; at most {limits.max_files:,}")
    total = 0
    for member in members:
        _check_name(member)
        if member.file_size > limits.max_file_bytes:
            raise UnpackError(f"{member.filename}: larger than {_mb(limits.max_file_bytes)}")
        big = member.file_size > _RATIO_FROM_BYTES
        if big and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise UnpackError(f"{member.filename}: compressed too far to be text (a zip bomb?)")
        total += member.file_size
    if total > limits.max_total_bytes:
        raise UnpackError(f"{_mb(total)} unpacked; at most {_mb(limits.max_total_bytes)}")


def _check_name(member: zipfile.ZipInfo) -> None:
    name = member.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if "\x00" in name or path.is_absolute() or ".." in path.parts or ":" in path.parts[0]:
        raise UnpackError(f"{name!r}: a name that would leave the upload's folder")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise UnpackError(f"{name}: a symbolic link, which is never followed")
    if path.suffix.lower() == ".zip":
        raise UnpackError(f"{name}: a zip inside the zip; unpack it and upload its files")


def _write_all(archive, members, into: Path, limits: Limits) -> list[tuple[str, Path]]:
    written, total = [], 0
    for number, member in enumerate(members, 1):
        # Its own name, flattened: no member decides where in the folder it goes.
        target = into / f"{number:04d}-{PurePosixPath(member.filename).name}"
        total += _write_one(archive, member, target, limits)
        if total > limits.max_total_bytes:
            raise UnpackError(f"more than {_mb(limits.max_total_bytes)} unpacked")
        written.append((member.filename, target))
    return written


def _write_one(archive, member: zipfile.ZipInfo, target: Path, limits: Limits) -> int:
    size = 0
    with archive.open(member) as source, open(target, "xb") as out:
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            if size > limits.max_file_bytes or size > member.file_size:
                raise UnpackError(f"{member.filename}: holds more than its header says")
            out.write(chunk)
    return size


def _empty(folder: Path) -> None:
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"
