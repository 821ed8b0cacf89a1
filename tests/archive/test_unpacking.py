"""Zips of articles unpack inside their folder, within limits, or not at all."""

import stat
import zipfile

import pytest

from archive.unpacking import Limits, UnpackError, unpack

READABLE = frozenset({".txt", ".html", ".docx"})


def make_zip(path, members: dict[str, bytes], **info) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            member = zipfile.ZipInfo(name)
            member.compress_type = zipfile.ZIP_DEFLATED
            for key, value in info.get(name, {}).items():
                setattr(member, key, value)
            archive.writestr(member, data)


@pytest.fixture
def into(tmp_path):
    folder = tmp_path / "unpacked"
    folder.mkdir()
    return folder


def test_the_readable_files_are_unpacked_under_names_of_their_own(tmp_path, into):
    make_zip(
        tmp_path / "a.zip",
        {"one.txt": b"One", "pages/two.HTML": b"<p>Two</p>", "README.md": b"x", "pages/": b""},
    )
    written = unpack(tmp_path / "a.zip", into, Limits(), READABLE)
    assert [name for name, _ in written] == ["one.txt", "pages/two.HTML"]
    assert [path.parent for _, path in written] == [into, into]
    assert [path.read_bytes() for _, path in written] == [b"One", b"<p>Two</p>"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.txt", "would leave the upload's folder"),
        ("a/../../evil.txt", "would leave the upload's folder"),
        ("/etc/evil.txt", "would leave the upload's folder"),
        ("C:/evil.txt", "would leave the upload's folder"),
        ("..\\\\evil.txt", "would leave the upload's folder"),
        ("inner.zip", "a zip inside the zip"),
    ],
)
def test_a_zip_with_a_member_that_could_escape_is_refused_whole(tmp_path, into, name, reason):
    make_zip(tmp_path / "a.zip", {"fine.txt": b"Fine", name: b"x"})
    with pytest.raises(UnpackError, match=reason):
        unpack(tmp_path / "a.zip", into, Limits(), READABLE)
    assert list(into.iterdir()) == []
    assert not (tmp_path / "evil.txt").exists()


def test_a_link_is_refused(tmp_path, into):
    link = {"external_attr": (stat.S_IFLNK | 0o777) << 16}
    make_zip(tmp_path / "a.zip", {"link.txt": b"/etc/passwd"}, **{"link.txt": link})
    with pytest.raises(UnpackError, match="symbolic link"):
        unpack(tmp_path / "a.zip", into, Limits(), READABLE)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, into):
    path = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("bomb.txt", "w") as member,
    ):
        for _ in range(64):
            member.write(b"\0" * (1 << 20))  # 64 MB of zeros, a few hundred KB packed
    assert path.stat().st_size < 1 << 20
    with pytest.raises(UnpackError, match="compressed too far"):
        unpack(path, into, Limits(max_file_bytes=1 << 30), READABLE)
    assert list(into.iterdir()) == []


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        (Limits(max_files=1), "2 files in the zip; at most 1"),
        (Limits(max_file_bytes=3), "larger than"),
        (Limits(max_total_bytes=5), "unpacked; at most"),
    ],
)
def test_the_limits_hold(tmp_path, into, limits, reason):
    make_zip(tmp_path / "a.zip", {"one.txt": b"One", "two.txt": b"Three"})
    with pytest.raises(UnpackError, match=reason):
        unpack(tmp_path / "a.zip", into, limits, READABLE)


def test_a_file_that_is_no_zip_is_named_as_such(tmp_path, into):
    (tmp_path / "a.zip").write_bytes(b"not a zip at all")
    with pytest.raises(UnpackError, match="not a zip file"):
        unpack(tmp_path / "a.zip", into, Limits(), READABLE)


def directory_with_a_lying_count(path, entries: int) -> None:
    """A zip of many entries whose end record says it holds one: zipfile reads them all."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(entries):
            archive.writestr(f"{number:x}.txt", b"")
    data = bytearray(buffer.getvalue())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2
    path.write_bytes(bytes(data))


def test_a_directory_longer_than_its_count_says_is_refused(tmp_path, into):
    path = tmp_path / "lying.zip"
    directory_with_a_lying_count(path, 3000)
    with pytest.raises(UnpackError, match=r"a zip directory of [\d,]+ bytes, longer than 20"):
        unpack(path, into, Limits(max_entries=20), READABLE)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("encrypted", "damaged or encrypted"),
        ("method", "damaged or encrypted"),
        ("deflate", "damaged or encrypted"),
    ],
)
def test_a_member_that_cannot_be_inflated_is_a_reason_not_a_crash(tmp_path, into, damage, reason):
    path = tmp_path / "a.zip"
    make_zip(path, {"good.txt": b"Good" * 100, "bad.txt": b"Bad text " * 100})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        header = archive.getinfo("bad.txt").header_offset
    if damage == "encrypted":  # the flag, in the local header and the directory
        data[header + 6] |= 1
        central = data.rfind(b"PK\x01\x02")
        data[central + 8] |= 1
    elif damage == "method":
        data[header + 8] = 93
        central = data.rfind(b"PK\x01\x02")
        data[central + 10] = 93
    else:  # the deflated bytes themselves
        start = header + 30 + len("bad.txt")
        data[start : start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(UnpackError, match=reason):
        unpack(path, into, Limits(), READABLE)
    assert list(into.iterdir()) == []


def test_a_member_without_a_name_is_refused(tmp_path, into):
    path = tmp_path / "a.zip"
    make_zip(path, {"ok.txt": b"Fine", "#.txt": b"x"})
    path.write_bytes(path.read_bytes().replace(b"#.txt", b"\x00.txt"))
    with pytest.raises(UnpackError):
        unpack(path, into, Limits(), READABLE)
    assert list(into.iterdir()) == []
