"""Word files refused, each with a one-line reason, before anything is written: python-docx
is never given a zip bomb, a binary named .docx or a part named outside the document."""

import struct
import time
import tracemalloc
import zipfile

import pytest

from archive import readers
from archive.parsing import ParseError
from archive.readers import docx as docx_reader

SPREADSHEET_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
SPREADSHEET_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


def refused(path) -> str:
    with pytest.raises(ParseError) as error:
        readers.reader_for(path).open(path)
    assert "\n" not in str(error.value)
    return str(error.value)


def test_a_zip_bomb_is_refused_without_being_inflated(tmp_path, monkeypatch):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            zeros = bytes(1 << 20)
            for _ in range(150):  # 150 MB of zeros, 150 kB on disk
                part.write(zeros)
    assert path.stat().st_size < 1 << 20

    def inflate(*args, **kwargs):
        raise AssertionError("a part was inflated")

    monkeypatch.setattr(zipfile.ZipFile, "open", inflate)
    started = time.perf_counter()
    reason = refused(path)
    assert time.perf_counter() - started < 2
    assert "a zip bomb" in reason and "word/document.xml" in reason


def declare_size(path, name: str, size: int) -> None:
    """Make the zip's directory and the part's own header lie about its inflated size."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        struct.pack_into("<I", data, archive.getinfo(name).header_offset + 22, size)
    entry = struct.unpack_from("<I", data, data.rfind(b"PK\x05\x06") + 16)[0]
    while data[entry + 46 : entry + 46 + len(name)] != name.encode():
        lengths = struct.unpack_from("<3H", data, entry + 28)  # name, extra, comment
        entry += 46 + sum(lengths)
    struct.pack_into("<I", data, entry + 24, size)
    path.write_bytes(bytes(data))


def test_a_part_that_inflates_past_what_its_directory_says_is_cut_off(write_docx, tmp_path):
    """Asked for a part whole, zipfile would inflate all of it before cutting it off at the
    declared size: 64 MB here, behind a directory that says 2 kB."""
    whole = zipfile.ZipFile(write_docx("honest.docx", ["Title", "Text."]))
    path = tmp_path / "lying.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as lying:
        for info in whole.infolist():
            data = whole.read(info.filename)
            if info.filename == "word/document.xml":
                data += b" " * (64 << 20)  # whitespace after the root: still well formed
            lying.writestr(info.filename, data)
    declare_size(path, "word/document.xml", 2048)
    tracemalloc.start()
    try:
        reason = refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reason == "not a Word file that can be read: Bad CRC-32 for file 'word/document.xml'"
    assert peak < 8 << 20


def test_parts_that_would_inflate_past_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED_BYTES", 1 << 20)
    path = tmp_path / "large.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(3):
            archive.writestr(f"word/media/image{number}.bin", bytes(500_000))
    assert "once inflated (more than 1 MB): a zip bomb" in refused(path)


def test_a_zip_of_too_many_parts_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_PARTS", 5)
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(6):
            archive.writestr(f"part{number}.xml", "<x/>")
    assert refused(path) == "a zip of 6 parts (more than 5): not a Word file"


def test_a_part_whose_name_climbs_out_is_refused(write_docx):
    path = write_docx("escape.docx", ["Title", "Text."])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../../outside.xml", "<x/>")
    assert refused(path) == "a part named '../../outside.xml' points outside the document: not read"


def test_a_text_file_named_docx_is_refused(write_file):
    path = write_file("renamed.docx", "Title\n\nThis was never a Word file.\n")
    assert refused(path) == "not a Word file (.docx): not a zip archive"


def test_an_old_word_file_named_docx_is_refused(write_file):
    path = write_file("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert refused(path).startswith("an old Word file (.doc) or one saved with a password")


def test_a_zip_that_is_no_word_document_is_refused(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    assert refused(path).startswith("not a Word file that can be read:")


def test_a_spreadsheet_named_docx_is_refused(tmp_path):
    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", SPREADSHEET_TYPES)
        archive.writestr("_rels/.rels", SPREADSHEET_RELS)
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert refused(path).endswith("spreadsheetml.sheet.main+xml, not a document")


def test_a_damaged_document_is_refused(write_docx, tmp_path):
    whole = zipfile.ZipFile(write_docx("whole.docx", ["Title", "Text."]))
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(path, "w") as damaged:
        for info in whole.infolist():
            data = whole.read(info.filename)
            damaged.writestr(
                info, data[: len(data) // 2] if info.filename == "word/document.xml" else data
            )
    assert refused(path).startswith("not a Word file that can be read:")


def test_a_file_over_the_size_limit_is_refused(write_file, monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_FILE_BYTES", 1 << 20)
    path = write_file("big.docx", bytes(2 << 20))
    assert refused(path) == "2.0 MB: larger than the 1 MB a Word file may be"


def test_an_empty_document_is_refused(write_docx):
    assert refused(write_docx("empty.docx", ["", "  ", "\n"])) == "no text in the document"
