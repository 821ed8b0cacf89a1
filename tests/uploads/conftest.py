"""Uploads: each test's files wait in its own folder; its users are an uploader (staff),
a curator (given the permission in the admin), a signed-in user without it, and
another uploader, who must never see the first one's uploads."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.archive.html_pages import LEDGER, NOTES, REVIEW


@pytest.fixture(autouse=True)
def incoming(tmp_path, settings):
    settings.COMMONPLACE_UPLOAD_DIR = tmp_path / "incoming"
    return settings.COMMONPLACE_UPLOAD_DIR


@pytest.fixture
def people(db):
    User = get_user_model()
    curators = Group.objects.create(name="Curators")
    curators.permissions.add(Permission.objects.get(codename="add_article"))
    curator = User.objects.create_user("curator", password="curator-pass-123")
    curator.groups.add(curators)
    return SimpleNamespace(
        uploader=User.objects.create_user("uploader", password="x-pass-123", is_staff=True),
        curator=curator,
        reader=User.objects.create_user("reader", password="reader-pass-123"),
        rival=User.objects.create_user("rival", password="rival-pass-123", is_staff=True),
    )


def sent(name: str, content: bytes | str) -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)


def page_file(path, name: str | None = None) -> SimpleUploadedFile:
    return sent(name or path.name, path.read_bytes())


def zipped(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


PAGES = SimpleNamespace(ledger=LEDGER, review=REVIEW, notes=NOTES)
