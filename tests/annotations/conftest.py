"""What the annotation tests share: a small library of annotations, the export command,
and the API as the reader calls it."""

import io
import json

import pytest
from django.core.management import call_command

from tests.conftest import annotate


def export(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_annotations", *args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.fixture
def library(users):
    """Shared and private annotations of two readers, across both articles."""
    return {
        "prawn": annotate(
            users.owner,
            "prawn cocktail offensive to evolve",
            note="The **turning** point, *ironic*.",
            tags=["City", "Finance"],
            visibility="shared",
        ),
        "trots": annotate(users.owner, "Trots?", tags=["humour"], visibility="shared"),
        "secret": annotate(users.owner, "Sabotage", note="only mine", tags=["humour"]),
        "dead": annotate(
            users.other, "New Labour as such is dead", note="=SUM(A1)", visibility="shared"
        ),
        "theirs": annotate(users.other, "Momentum HQ is in the TSSA", note="only theirs"),
    }


def post(client, body, **headers):
    return client.post(
        "/api/annotations", json.dumps(body), content_type="application/json", **headers
    )


def patch(client, pk, body):
    return client.patch(f"/api/annotations/{pk}", json.dumps(body), content_type="application/json")


def passage_body(paragraph, phrase: str, **extra) -> dict:
    start = paragraph.text.index(phrase)
    return {"paragraph": paragraph.pk, "start": start, "end": start + len(phrase), **extra}


@pytest.fixture
def prawn():
    from archive.models import Paragraph

    return Paragraph.objects.get(text__contains="fundamental error to allow the prawn")


@pytest.fixture
def owner_client(users, client_for):
    return client_for(users.owner)
