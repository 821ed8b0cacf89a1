"""Ingest never follows a symbolic link out of the folder it was given (real links, on disk)."""

import os

import pytest

from archive.discovery import discover
from archive.models import Article, Paragraph
from tests.archive.test_ingest import FOOTER, ingest
from tests.conftest import article_text

SECRET = "DATABASE_PASSWORD=hunter2"


def write(path, title: str, body: str = "Body.") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_text(title, [body], FOOTER), encoding="utf-8")


@pytest.fixture
def folders(tmp_path):
    """An archive folder with every kind of link, beside a folder it must not leak."""
    outside, archive = tmp_path / "outside", tmp_path / "archive"
    write(outside / "secret.env", "Secret", SECRET)
    write(outside / "deep" / "far.txt", "Far away")
    write(archive / "real.txt", "Real")
    write(archive / ".drafts" / "draft.txt", "Draft")
    links = {
        "env.txt": outside / "secret.env",  # absolute, to a file outside
        "sub/up.txt": "../../outside/secret.env",  # relative, climbing out
        "outdir": outside,  # a folder outside
        "sub/chain.txt": "../env.txt",  # inside, but on to outside
        "broken.txt": archive / "nowhere.txt",
        "draft.txt": ".drafts/draft.txt",  # a file inside: followed
        "sub/loop": "..",  # a folder inside: read where it is
    }
    (archive / "sub").mkdir()
    for name, target in links.items():
        os.symlink(target, archive / name)
    return archive, outside


def test_links_out_of_the_folder_are_named_and_never_read(db, folders):
    archive, outside = folders
    out, err, status = ingest(archive)
    assert status == 0, err
    root = archive.resolve()
    for name, target in [
        ("env.txt", outside / "secret.env"),
        ("sub/up.txt", outside / "secret.env"),
        ("outdir", outside),
        ("sub/chain.txt", outside / "secret.env"),
    ]:
        reason = f"a symbolic link to {target.resolve()}, outside {root}: not followed"
        assert f"skipped {archive / name}: {reason}" in out, name
    assert f"skipped {archive / 'broken.txt'}: a broken symbolic link" in out
    assert "Files: 2 ingested, 5 skipped, 0 failed" in out
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Draft", "Real"]
    assert Article.objects.get(title="Draft").source == "draft.txt"
    assert not Paragraph.objects.filter(text__contains="hunter2").exists()


def test_discover_reports_the_same(folders):
    archive, _ = folders
    files, ignored = discover([archive])
    refused = {f.source: f.refused for f in files if f.refused}
    assert set(refused) == {"env.txt", "sub/up.txt", "outdir", "sub/chain.txt", "broken.txt"}
    read = {f.source: f.path for f in files if not f.refused}
    assert read == {
        "draft.txt": (archive / ".drafts" / "draft.txt").resolve(),
        "real.txt": archive / "real.txt",
    }
    assert ignored == 0


def test_a_link_named_on_the_command_line_is_the_operators_choice(db, folders, tmp_path):
    _, outside = folders
    chosen = tmp_path / "chosen.txt"
    os.symlink(outside / "deep" / "far.txt", chosen)
    _, err, status = ingest(chosen)
    assert status == 0, err
    assert Article.objects.get().title == "Far away"


def test_a_folder_named_through_a_link_is_read(db, folders, tmp_path):
    archive, _ = folders
    alias = tmp_path / "alias"
    os.symlink(archive, alias)
    _, err, status = ingest(alias)
    assert status == 0, err
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Draft", "Real"]
