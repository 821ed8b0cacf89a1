"""Which files an ingest reads: the paths given, folders walked, links checked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archive import readers


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source: str  # the name stored on its articles
    missing: bool = False
    refused: str = ""  # why a file found in a folder is not read
    format: str | None = None  # the reader to read it with; by its extension if None
    # Fields to store in place of those read, by the article's order in the file (the
    # upload preview's corrections): {0: {"title": "..."}}.
    corrections: Mapping[int, Mapping[str, object]] = field(default_factory=dict, hash=False)


def discover(
    paths: Iterable[str | Path], format_name: str | None = None
) -> tuple[list[SourceFile], int]:
    """The files to ingest, and how many files in the folders were ignored as of no
    format a reader takes (archive.readers, by extension). With a format named, every
    file is read in that format, whatever its extension.

    In a folder, a symbolic link is followed only when it leads to a file inside that
    folder: one leading out (to an environment file, say) or nowhere is returned refused,
    with the reason, and never read. Links to folders are not followed; a folder inside is
    read where it is. A file named directly is read wherever it is: the operator chose it.
    """
    found: list[SourceFile] = []
    ignored = 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                refusal = _link_refusal(child, root) if child.is_symlink() else ""
                if refusal:
                    found.append(SourceFile(child, relative.as_posix(), refused=refusal))
                    continue
                if child.is_dir():
                    continue  # rglob descends into real folders, never through links
                if child.suffix.lower() in readers.extensions():
                    # A link is read through the target it was checked against.
                    readable = child.resolve() if child.is_symlink() else child
                    found.append(SourceFile(readable, relative.as_posix(), format=format_name))
                else:
                    ignored += 1
        else:
            found.append(SourceFile(path, path.name, missing=not path.exists(), format=format_name))
    return found, ignored


def _link_refusal(link: Path, root: Path) -> str:
    """Why this link in the folder `root` may not be followed, or "" when it may."""
    target = link.resolve()
    if not target.exists():
        return "a broken symbolic link"
    if not target.is_relative_to(root):
        return f"a symbolic link to {target}, outside {root}: not followed"
    return ""
