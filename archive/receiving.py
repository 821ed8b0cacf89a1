"""Files sent from the Add articles page, received within limits: who may send them,
how many and how large, and where they wait, unread, for their upload's jobs
(archive.uploads). A file too large is cut off as it arrives; a zip is judged from its
directory before a byte of it is inflated."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.db import DatabaseError

from archive import readers
from archive.models import Upload
from archive.unpacking import Limits, UnpackError, check_zip, readable

MB = 1 << 20
ZIP = ".zip"
_CHUNK = 1 << 16


class UploadRefused(Exception):
    """Files not taken, and why, in one line for the person who sent them."""


def may_add_articles(user) -> bool:
    """Staff, and whoever was given the permission to add articles in the admin."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.has_perm("archive.add_article"))
    )


def limits() -> Limits:
    return Limits(
        max_files=settings.COMMONPLACE_UPLOAD_MAX_FILES,
        max_file_bytes=settings.COMMONPLACE_UPLOAD_MAX_FILE_MB * MB,
        max_total_bytes=settings.COMMONPLACE_UPLOAD_MAX_TOTAL_MB * MB,
    )


def accepted_extensions() -> list[str]:
    return sorted(_accepted())


def _accepted() -> frozenset[str]:
    """What an upload takes: every extension a reader takes, and zips of them."""
    return readers.extensions() | {ZIP}


def receive(owner, sent: list[UploadedFile], within: Limits) -> Upload:
    """Check what was sent against the limits, then keep it, unread, in a new upload's
    own folder; raises UploadRefused having kept nothing. A file of a kind no reader
    takes is not kept: its preview names it, with the reason."""
    counted = check_sent(sent, within)
    upload = Upload(owner=owner, files_total=counted)
    try:
        (upload.folder / "sent").mkdir(parents=True)
        for number, uploaded in enumerate(sent, 1):
            if not taken(uploaded.name):
                upload.files.append(
                    {"name": PurePath(uploaded.name).name, "path": "", "refused": _not_read()}
                )
                continue
            # Kept under a name of ours: the browser's name is only ever shown.
            path = Path("sent") / f"{number:04d}{extension(uploaded.name)}"
            with open(upload.folder / path, "xb") as out:
                for chunk in uploaded.chunks(_CHUNK):
                    out.write(chunk)
            upload.files.append({"name": PurePath(uploaded.name).name, "path": str(path)})
        upload.save()
    except OSError as error:
        shutil.rmtree(upload.folder, ignore_errors=True)
        raise UploadRefused(f"the files could not be kept: {error.strerror or error}") from None
    except DatabaseError:
        # SQLite is held by a long ingest, say: nothing half-kept, and try again later.
        shutil.rmtree(upload.folder, ignore_errors=True)
        raise UploadRefused(
            "The server is busy storing articles just now: nothing was kept. Try again in a "
            "few minutes."
        ) from None
    return upload


def check_sent(sent: list[UploadedFile], within: Limits) -> int:
    """How many files the upload holds (a zip's readable files each), or UploadRefused."""
    if not sent:
        raise UploadRefused("Choose at least one file.")
    if not any(taken(uploaded.name) for uploaded in sent):
        names = ", ".join(PurePath(uploaded.name).name for uploaded in sent[:3])
        raise UploadRefused(f"{names}: {_not_read()}.")
    count, total = 0, 0
    for uploaded in sent:
        name, kind = uploaded.name, extension(uploaded.name)
        if uploaded.size > within.max_file_bytes:
            raise UploadRefused(f"{name}: larger than {mb(within.max_file_bytes)}.")
        total += uploaded.size
        if taken(name):
            count += _zip_count(uploaded, within) if kind == ZIP else 1
    if count > within.max_files:
        raise UploadRefused(f"{count:,} files in this upload; at most {within.max_files:,}.")
    if total > within.max_total_bytes:
        raise UploadRefused(f"{mb(total)} in this upload; at most {mb(within.max_total_bytes)}.")
    return count


def taken(name: str) -> bool:
    """A file of a kind some reader takes, or a zip of them."""
    return extension(name) in _accepted()


def _not_read() -> str:
    return f"not a kind of file Commonplace reads ({', '.join(accepted_extensions())})"


def _zip_count(uploaded: UploadedFile, within: Limits) -> int:
    """A zip's readable files, checked from its directory before a byte is inflated."""
    uploaded.seek(0)
    try:
        members = check_zip(uploaded, within)
    except UnpackError as error:
        raise UploadRefused(f"{uploaded.name}: {error}.") from None
    finally:
        uploaded.seek(0)
    return len(readable(members, readers.extensions()))


def extension(name: str) -> str:
    return PurePath(name).suffix.lower()


def mb(size: int) -> str:
    return f"{size / MB:,.0f} MB"


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Spools each file to disk as it arrives, and stops reading the request at the first
    file larger than the limit or past the number an upload may hold, with the reason
    (`refusal`): a huge file is never written whole, nor a million small ones opened."""

    def __init__(self, request, within: Limits):
        super().__init__(request)
        self.within = within
        self.files = 0
        self.refusal = ""

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.files += 1
        if self.files > self.within.max_files:
            self.refusal = f"more than {self.within.max_files:,} files in this upload."
            raise StopUpload(connection_reset=False)
        return super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int):
        if start + len(raw_data) > self.within.max_file_bytes:
            name = PurePath(self.file_name or "a file").name
            self.refusal = f"{name}: larger than {mb(self.within.max_file_bytes)}."
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)
