"""Hostile and mistaken uploads over HTTP: each is a 400 with a reason, or a file named
unreadable in the preview, and nothing is stored or left behind."""

import struct
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse

from archive.models import Article, Upload
from commonplace import upload_jobs
from tests.conftest import page_body
from tests.uploads.conftest import PAGES, page_file, sent, zipped

ADD = reverse("archive:add")
PROSE = "An ordinary sentence of an ordinary article, for a test.\n\n"


def left_behind(incoming) -> list:
    return sorted(p for p in incoming.rglob("*") if p.is_file()) if incoming.exists() else []


def partial_files() -> list:
    return [p for p in settings.FILE_UPLOAD_TEMP_DIR.iterdir() if p.is_file()]


def refused(client, *files, **extra) -> str:
    """The reason a refused upload gives, having checked that nothing was kept."""
    response = client.post(ADD, {"files": list(files)}, **extra)
    assert response.status_code == 400, response.status_code
    assert not Upload.objects.exists()
    if extra.get("HTTP_ACCEPT") == "application/json":
        return response.json()["error"]
    return page_body(response)


def bomb() -> bytes:
    import io

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("bomb.txt", "w") as member,
    ):
        for _ in range(40):
            member.write(bytes(1 << 20))  # 40 MB of zeros, a few dozen kB packed
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bomb.zip", bomb(), "compressed too far to be text (a zip bomb?)"),
        ("up.zip", zipped({"ok.txt": PROSE, "../../evil.txt": PROSE}), "leave the upload&#x27;s"),
        ("abs.zip", zipped({"/etc/cron.d/evil.txt": PROSE}), "leave the upload&#x27;s folder"),
        ("nested.zip", zipped({"inner.zip": zipped({"a.txt": PROSE})}), "a zip inside the zip"),
        ("fake.zip", b"PK\x03\x04 not really", "not a zip file"),
    ],
)
def test_a_hostile_or_wrong_file_is_refused_whole(
    client_for, people, incoming, name, content, reason
):
    client = client_for(people.uploader)
    page = refused(client, sent("fine.html", PAGES.ledger.read_bytes()), sent(name, content))
    assert reason in page
    assert left_behind(incoming) == [] and partial_files() == []
    assert not (incoming.parent / "evil.txt").exists()


def test_a_link_in_a_zip_is_refused(client_for, people, incoming):
    import io
    import stat

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("passwd.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    page = refused(client_for(people.uploader), sent("links.zip", buffer.getvalue()))
    assert "a symbolic link, which is never followed" in page
    assert left_behind(incoming) == []


def test_a_file_over_the_size_limit_is_cut_off_as_it_arrives(
    client_for, people, settings, incoming
):
    settings.COMMONPLACE_UPLOAD_MAX_FILE_MB = 1
    big = sent("huge.txt", b"Title\n\n" + b"word " * (1 << 19))  # 2.5 MB
    reason = refused(client_for(people.uploader), big, HTTP_ACCEPT="application/json")
    assert reason == "huge.txt: larger than 1 MB."
    assert left_behind(incoming) == [] and partial_files() == []


def test_a_request_larger_than_any_upload_is_refused_unread(client_for, people, settings, incoming):
    settings.COMMONPLACE_UPLOAD_MAX_TOTAL_MB = 1
    client = client_for(people.uploader)
    response = client.post(ADD, {"files": [sent("a.txt", PROSE)]}, CONTENT_LENGTH=str(12 << 20))
    assert response.status_code == 400
    assert "more than the 1 MB an upload may hold" in page_body(response)
    assert left_behind(incoming) == [] and not Upload.objects.exists()


@pytest.mark.parametrize(
    ("limit", "value", "files", "reason"),
    [
        ("COMMONPLACE_UPLOAD_MAX_FILES", 2, 3, "more than 2 files in this upload."),
        ("COMMONPLACE_UPLOAD_MAX_TOTAL_MB", 1, 3, "2 MB in this upload; at most 1 MB."),
    ],
)
def test_the_limits_of_an_upload_hold(client_for, people, settings, limit, value, files, reason):
    setattr(settings, limit, value)
    body = b"Title\n\n" + b"word " * 150_000  # 0.7 MB each
    sending = [sent(f"{n}.txt", body) for n in range(files)]
    assert refused(client_for(people.uploader), *sending, HTTP_ACCEPT="application/json") == reason


def test_a_zip_counts_its_files_against_the_limit(client_for, people, settings):
    settings.COMMONPLACE_UPLOAD_MAX_FILES = 2
    archive = zipped({f"{n}.txt": PROSE for n in range(3)} | {"notes.md": "not counted"})
    reason = refused(client_for(people.uploader), sent("three.zip", archive))
    assert "3 files in this upload; at most 2." in reason


def test_files_of_other_kinds_are_named_and_left_out(client_for, people, incoming):
    client = client_for(people.uploader)
    sending = [page_file(PAGES.ledger), sent("program.exe", b"MZ\x90\x00"), sent("notes", PROSE)]
    assert client.post(ADD, {"files": sending}).status_code == 302
    the_upload = Upload.objects.get()
    assert the_upload.files_total == 1
    assert sorted(p.name for p in left_behind(incoming)) == ["0001.html"]
    upload_jobs.run_pending()
    the_upload.refresh_from_db()
    page = page_body(client.get(the_upload.get_absolute_url()))
    assert "2 files could not be read or held no articles" in page
    assert "<strong>program.exe</strong>: not a kind of file Commonplace reads" in page
    assert "<strong>notes</strong>: not a kind of file" in page
    assert "Store 1 article" in page


def test_files_only_of_other_kinds_are_refused(client_for, people, incoming):
    client = client_for(people.uploader)
    reason = refused(
        client,
        sent("program.exe", b"MZ"),
        sent("notes.pdf", b"%PDF"),
        HTTP_ACCEPT="application/json",
    )
    assert reason == (
        "program.exe, notes.pdf: not a kind of file Commonplace reads "
        "(.docx, .htm, .html, .txt, .zip)."
    )
    assert left_behind(incoming) == []


def test_no_file_is_a_400_not_an_empty_upload(client_for, people):
    assert "Choose at least one file." in refused(client_for(people.uploader))


def test_a_binary_named_html_is_named_unreadable_and_nothing_is_stored(client_for, people):
    client = client_for(people.uploader)
    binary = sent("photo.html", bytes(range(256)) * 64)
    response = client.post(ADD, {"files": [binary]})
    assert response.status_code == 302
    upload_jobs.run_pending()
    the_upload = Upload.objects.get()
    page = page_body(client.get(the_upload.get_absolute_url()))
    assert "1 file could not be read" in page and "photo.html" in page
    assert "Nothing in this upload can be stored." in page
    assert "Store 0" not in page
    assert not the_upload.folder.exists()
    confirm = client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
    assert confirm.status_code == 400
    assert "There is nothing in this upload to store." in page_body(confirm)
    assert upload_jobs.run_pending() == (0, False)
    assert Article.objects.count() == 0


def test_an_unreadable_file_beside_readable_ones_is_left_out(client_for, people):
    client = client_for(people.uploader)
    client.post(ADD, {"files": [page_file(PAGES.ledger), sent("photo.html", bytes(2048))]})
    upload_jobs.run_pending()
    the_upload = Upload.objects.get()
    assert [f["reason"] != "" for f in the_upload.preview] == [False, True]
    assert sorted(p.name for p in the_upload.folder.rglob("*") if p.is_file()) == ["0001.html"]
    client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
    upload_jobs.run_pending()
    assert list(Article.objects.values_list("source", flat=True)) == ["ledger-byline.html"]


def test_a_zip_that_inflates_past_its_headers_is_not_unpacked(client_for, people, incoming):
    """Its directory says 10 bytes: the check at the door lets it in, the unpacking cuts
    it off at the bytes actually written and keeps nothing of it."""
    archive = bytearray(zipped({"a.txt": "Title\n\n" + "word " * 50_000}))
    with zipfile.ZipFile(__import__("io").BytesIO(bytes(archive))) as read:
        offset = read.getinfo("a.txt").header_offset
    struct.pack_into("<I", archive, offset + 22, 10)
    central = archive.rfind(b"PK\x01\x02")
    struct.pack_into("<I", archive, central + 24, 10)
    client = client_for(people.uploader)
    assert client.post(ADD, {"files": [sent("liar.zip", bytes(archive))]}).status_code == 302
    upload_jobs.run_pending()
    the_upload = Upload.objects.get()
    (file,) = the_upload.preview
    # zipfile stops at the size the directory gives, and the checksum then fails.
    assert file["reason"] == (
        "not unpacked: a.txt: damaged or encrypted (Bad CRC-32 for file 'a.txt')"
    )
    assert left_behind(incoming) == []


def test_names_from_the_browser_are_only_ever_shown_escaped(client_for, people, incoming):
    client = client_for(people.uploader)
    names = ["..\\..\\evil.html", "<img src=x onerror=alert(1)>.html"]
    client.post(ADD, {"files": [sent(name, PAGES.ledger.read_bytes()) for name in names]})
    upload_jobs.run_pending()
    the_upload = Upload.objects.get()
    assert [f["path"] for f in the_upload.files] == ["sent/0001.html", "sent/0002.html"]
    assert [f["name"] for f in the_upload.files] == ["evil.html", names[1]]
    page = page_body(client.get(the_upload.get_absolute_url()))
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.html" in page
    assert all(p.is_relative_to(incoming) for p in left_behind(incoming))


def test_more_files_than_an_upload_may_hold_stop_the_reading(client_for, people, settings):
    settings.COMMONPLACE_UPLOAD_MAX_FILES = 3
    sending = [sent(f"{n}.exe", b"x") for n in range(50)]  # not even of a kind that counts
    reason = refused(client_for(people.uploader), *sending, HTTP_ACCEPT="application/json")
    assert reason == "more than 3 files in this upload."
    assert partial_files() == []


def test_an_upload_holds_at_most_so_many_articles(client_for, people, settings):
    from tests.conftest import article_text

    settings.COMMONPLACE_UPLOAD_MAX_ARTICLES = 3
    footer = "This article first appeared in the 17 May 2010 issue of the New Statesman, X"
    two = "".join(article_text(f"Small {n}", ["Text."], footer) for n in range(2))
    five = "".join(article_text(f"Many {n}", ["Text."], footer) for n in range(5))
    client = client_for(people.uploader)
    client.post(ADD, {"files": [sent("two.txt", two), sent("five.txt", five)]})
    upload_jobs.run_pending()
    the_upload = Upload.objects.get()
    assert [len(f["articles"]) for f in the_upload.preview] == [2, 0]
    assert the_upload.preview[1]["reason"] == (
        "more articles than the 1 there is room for in one upload: send it in another"
    )


def test_two_files_of_one_name_are_two_sources(client_for, people):
    from tests.conftest import article_text

    client = client_for(people.uploader)
    sending = [
        sent("same.txt", article_text("First of two", ["Text."])),
        sent("same.txt", article_text("Second of two", ["Text."])),
    ]
    client.post(ADD, {"files": sending})
    upload_jobs.run_pending()
    the_upload = Upload.objects.get()
    assert [f["name"] for f in the_upload.preview] == ["same.txt", "same.txt (2)"]
    client.post(reverse("archive:upload-confirm", args=[the_upload.uid]))
    upload_jobs.run_pending()
    assert sorted(Article.objects.values_list("source", "title")) == [
        ("same.txt", "First of two"),
        ("same.txt (2)", "Second of two"),
    ]


def test_an_upload_cannot_be_discarded_while_it_is_read(client_for, people):
    client = client_for(people.uploader)
    client.post(ADD, {"files": [page_file(PAGES.ledger)]})
    the_upload = Upload.objects.get()
    Upload.objects.filter(pk=the_upload.pk).update(state=Upload.State.READING)
    response = client.post(reverse("archive:upload-discard", args=[the_upload.uid]))
    assert response.status_code == 400
    assert "being read or stored: it can be discarded once that is done" in page_body(response)
    assert the_upload.folder.exists()


def test_a_database_that_refuses_the_upload_keeps_no_files(client_for, people, monkeypatch):
    from django.db import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Upload, "save", locked)
    reason = refused(client_for(people.uploader), page_file(PAGES.ledger))
    assert "The server is busy storing articles just now: nothing was kept." in reason
    assert left_behind(settings.COMMONPLACE_UPLOAD_DIR) == []


def test_a_length_that_is_no_number_is_a_400(client_for, people):
    client = client_for(people.uploader)
    response = client.post(ADD, {"files": [sent("a.txt", PROSE)]}, CONTENT_LENGTH="1e3")
    assert response.status_code == 400
    assert "the request&#x27;s length could not be read" in page_body(response)
    assert client.head(ADD).status_code == 200
