"""Word files (.docx): a news database's export of many articles (the layout Nexis Uni
writes, archive.readers.nexis), or else one article whose Word headings are its sections.

A .docx is a zip of XML parts that python-docx reads whole into memory, so the zip is
checked first from its directory alone (the file's size, how many parts, how large they
say they are, how far each expands): a zip bomb or a binary named .docx is refused
before a byte is inflated. Then each part is inflated a chunk at a time into a copy that
python-docx reads: zipfile cuts a part off at the size the directory gives it, but asked
for a part whole (as python-docx asks) it inflates everything first, however much a
lying directory hides. The paragraphs are read once; the articles are made from them
each time they are asked for.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from archive import unpacking
from archive.parsing import ParsedArticle, ParseError, is_furniture
from archive.readers.base import Progress, Reading
from archive.readers.layout import HEADING, SUBTITLE, TITLE, Line, lines_of, sections_of
from archive.readers.nexis import is_nexis, read_nexis

MB = 1 << 20
MAX_FILE_BYTES = 50 * MB
# A 100-article Nexis export holds ~620 parts, 4 MB once inflated, each part at most
# ~40 times its compressed size.
MAX_PARTS = 5_000
MAX_UNCOMPRESSED_BYTES = 100 * MB
MAX_RATIO = 100
MAX_TABLE_DEPTH = 10
MAX_STYLE_DEPTH = 10
_HEADING_STYLES = frozenset({"heading 1", "heading 2", "heading 3"})
_ROLES = {"title": TITLE, "subtitle": SUBTITLE}
# An old .doc, and a .docx saved with a password, are OLE compound files, not zips.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK_BYTES = 1 << 16
# What python-docx says of an Excel or PowerPoint file: "... content type is '...'".
_CONTENT_TYPE = re.compile(r"content type is '([^']+)'")
MAX_REASON_CHARS = 200
_UNREADABLE = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    etree.LxmlError,
    zlib.error,
    EOFError,
    NotImplementedError,  # a compression zipfile does not know
)


class DocxReader:
    name = "docx"
    description = (
        "Word files: a Nexis Uni export of many articles, split at each “End "
        "of Document”; any other document is one article."
    )
    extensions = (".docx",)

    def open(self, path: Path) -> Reading:
        lines = read_lines(path)
        if not lines:
            raise ParseError("no text in the document")
        size = path.stat().st_size

        def articles(progress: Progress | None = None) -> Iterator[ParsedArticle]:
            found = list(read_nexis(lines)) if is_nexis(lines) else [single_article(lines)]
            told = 0
            for count, article in enumerate(found, 1):
                yield article
                if progress:  # the file was read at once: tell it out article by article
                    progress(size * count // len(found) - told)
                    told = size * count // len(found)

        return Reading(articles)


def read_lines(path: Path) -> list[Line]:
    """The document's lines, in order: its paragraphs, tables' cells among them."""
    with open(path, "rb") as stream:
        infos = check_archive(stream)
        try:
            document = docx.Document(_inflated(stream, infos))
            return _lines(document)
        except _UNREADABLE as error:
            raise ParseError(f"not a Word file that can be read: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    """python-docx's message, on one line, without the stream's repr in it."""
    text = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    if match := _CONTENT_TYPE.search(text):
        return f"its main part is {match[1]}, not a document"
    return (text.splitlines() or [type(error).__name__])[0][:MAX_REASON_CHARS]


def check_archive(stream: BinaryIO) -> list[zipfile.ZipInfo]:
    """Refuse, with the reason, what python-docx should never be given to inflate; the
    parts, if none is refused."""
    size = stream.seek(0, 2)
    if size > MAX_FILE_BYTES:
        raise ParseError(
            f"{size / MB:.1f} MB: larger than the {MAX_FILE_BYTES // MB} MB a Word file may be"
        )
    stream.seek(0)
    if stream.read(len(_OLE_SIGNATURE)) == _OLE_SIGNATURE:
        raise ParseError(
            "an old Word file (.doc) or one saved with a password, not a .docx: "
            "save it from Word as .docx without a password"
        )
    try:
        parts = unpacking.declared_entries(stream)
    except unpacking.UnpackError:
        raise ParseError("not a Word file (.docx): not a zip archive") from None
    if parts > MAX_PARTS:
        raise ParseError(f"a zip of {parts:,} parts (more than {MAX_PARTS:,}): not a Word file")
    try:
        unpacking.check_directory(stream, MAX_PARTS)  # its count may lie; its size may not
    except unpacking.UnpackError:
        raise ParseError(
            f"a zip directory larger than {MAX_PARTS:,} parts would take: not a Word file"
        ) from None
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError) as error:
        raise ParseError(f"not a Word file (.docx): a damaged zip ({error})") from None
    names: set[str] = set()
    for info in infos:
        _check_part(info)
        if info.filename in names:
            raise ParseError(f"two parts named {info.filename!r}: not a Word file")
        names.add(info.filename)
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ParseError(
            f"its parts would take {total / MB:,.0f} MB once inflated (more than "
            f"{MAX_UNCOMPRESSED_BYTES // MB} MB): a zip bomb, not read"
        )
    return infos


def _inflated(stream: BinaryIO, infos: list[zipfile.ZipInfo]) -> io.BytesIO:
    """The parts inflated a chunk at a time (never past the size the directory gives,
    which check_archive bounded) into a zip that stores them as they are."""
    copy = io.BytesIO()
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive, zipfile.ZipFile(copy, "w") as stored:
        for info in infos:
            with archive.open(info) as part, stored.open(info.filename, "w") as out:
                while chunk := part.read(_CHUNK_BYTES):
                    out.write(chunk)
    copy.seek(0)
    return copy


def _check_part(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if unpacking.escapes(name):
        raise ParseError(f"a part named {name!r} points outside the document: not read")
    if info.flag_bits & 0x1:
        raise ParseError(f"an encrypted part ({name!r}): not read")
    if unpacking.inflates_too_far(info, MAX_RATIO):
        ratio = info.file_size // max(info.compress_size, 1)
        raise ParseError(
            f"a part that inflates {ratio:,} times ({name!r}, {info.file_size / MB:,.0f} MB): "
            "a zip bomb, not read"
        )


def _lines(document) -> list[Line]:
    lines: list[Line] = []
    roles: dict[str | None, str] = {}
    for number, paragraph in enumerate(_paragraphs(document.iter_inner_content()), 1):
        lines.extend(lines_of(paragraph.text, number, _role(paragraph, roles)))
    return lines


def _paragraphs(blocks, depth: int = 0) -> Iterator[Paragraph]:
    """Every paragraph in order, a table's cells row by row (a merged cell once)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, Table):
            if depth >= MAX_TABLE_DEPTH:
                raise ParseError(f"tables nested more than {MAX_TABLE_DEPTH} deep: not read")
            # Held, not their ids: lxml makes a new proxy for a node nothing holds.
            seen: set = set()
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        yield from _paragraphs(cell.iter_inner_content(), depth + 1)


def _role(paragraph: Paragraph, roles: dict[str | None, str]) -> str:
    """TITLE, SUBTITLE or HEADING (levels 1 to 3) by the paragraph's style or the style it
    is based on; remembered by style, since looking a style up is the slow part."""
    style_id = paragraph._p.style
    if style_id not in roles:
        style, role = paragraph.style, ""
        for _ in range(MAX_STYLE_DEPTH):
            if style is None:
                break
            name = (style.name or "").lower()
            if name in _HEADING_STYLES or name in _ROLES:
                role = HEADING if name in _HEADING_STYLES else _ROLES[name]
                break
            style = style.base_style
        roles[style_id] = role
    return roles[style_id]


def single_article(lines: list[Line]) -> ParsedArticle:
    """A document that is one article: its title is the paragraph styled Title, or else
    its first; a Subtitle right after is the standfirst; headings open sections."""
    at = next((i for i, line in enumerate(lines) if line.role == TITLE), 0)
    article = ParsedArticle(title=lines[at].text, line=lines[at].number)
    article.dropped.extend(line.text for line in lines[:at])  # a kicker, a date stamp
    rest = lines[at + 1 :]
    if rest and rest[0].role == SUBTITLE:
        article.standfirst = rest.pop(0).text
    article.dropped.extend(line.text for line in rest if is_furniture(line.text))
    article.sections = sections_of(line for line in rest if not is_furniture(line.text))
    return article
