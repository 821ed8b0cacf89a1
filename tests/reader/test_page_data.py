"""What the reader page tells its JavaScript (the #reader-context JSON): the server's rules,
so that the script need not copy them."""

import json
import re

import pytest
from django.utils.html import json_script

from annotations.anchoring import PARAGRAPH_JOINER, Passage, Position
from annotations.models import Annotation, article_text
from archive.models import Article, Paragraph
from commonplace.reader import json_for_script
from tests.conftest import MOMENTUM, NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")


def page_data(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(r'<script id="reader-context" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_it_says_everything_the_script_uses_and_nothing_else(client_for, users):
    data = page_data(client_for(users.owner), f"/articles/{NEW_LABOUR}/")
    assert set(data) == {
        "annotations",
        "paragraphs",
        "paragraph_joiner",
        "may_annotate",
        "tags",
        "api",
        "note_preview",
        "orphans_url",
        "login_url",
        "default_visibility",
        "focus",
        "fix",
    }
    assert data["api"] == "/api/annotations"
    assert data["note_preview"] == "/api/notes/preview"
    assert data["login_url"] == f"/accounts/login/?next=%2Farticles%2F{NEW_LABOUR}%2F"


def test_paragraphs_come_in_reading_order_as_the_page_shows_them(client):
    html = client.get(f"/articles/{MOMENTUM}/").content.decode()
    data = page_data(client, f"/articles/{MOMENTUM}/")
    shown = [int(pk) for pk in re.findall(r'data-paragraph="(\d+)"', html)]
    article = Article.objects.get(slug=MOMENTUM)
    ordered = Paragraph.objects.filter(article=article).order_by("section__order", "position")
    assert data["paragraphs"] == shown == [p.pk for p in ordered]
    assert len(shown) == 53


def test_a_quote_joins_paragraphs_as_the_page_is_told(client_for, users):
    first, second = Paragraph.objects.filter(article__slug=MOMENTUM).order_by("position")[:2]
    annotation = Annotation(owner=users.owner, article_id=first.article_id)
    passage = Passage(Position(first.pk, len(first.text) - 5), Position(second.pk, 6))
    annotation.place(passage, article_text(first.article_id))
    annotation.save()
    data = page_data(client_for(users.owner), f"/articles/{MOMENTUM}/")
    assert data["paragraph_joiner"] == PARAGRAPH_JOINER
    (shown,) = data["annotations"]
    joined = data["paragraph_joiner"].join([first.text[-5:], second.text[:6]])
    assert shown["quote"] == joined
    assert (shown["paragraph"], shown["end_paragraph"]) == (first.pk, second.pk)


def test_annotations_come_in_document_order_with_their_rights(client_for, users):
    later = annotate(users.other, "New Labour as such is dead", visibility="shared")
    earlier = annotate(users.owner, "prawn cocktail offensive")
    data = page_data(client_for(users.owner), f"/articles/{NEW_LABOUR}/")
    assert [(a["id"], a["mine"], a["can_edit"]) for a in data["annotations"]] == [
        (earlier.pk, True, True),
        (later.pk, False, False),
    ]
    staff = page_data(client_for(users.staff), f"/articles/{NEW_LABOUR}/")
    assert [(a["id"], a["mine"], a["can_edit"]) for a in staff["annotations"]] == [
        (later.pk, False, True)
    ]


def test_who_may_annotate_is_the_servers_to_say(client, client_for, users):
    assert page_data(client_for(users.other), f"/articles/{NEW_LABOUR}/")["may_annotate"] is True
    assert page_data(client, f"/articles/{NEW_LABOUR}/")["may_annotate"] is False


def test_only_the_owner_is_offered_to_reattach_their_orphan(client, client_for, users):
    annotation = annotate(users.owner, "fundamental error to allow")
    annotation.orphan()
    annotation.save()
    anchored = annotate(users.owner, "prawn cocktail offensive")
    url = f"/articles/{NEW_LABOUR}/?fix="
    owner, other = client_for(users.owner), client_for(users.other)
    assert page_data(owner, f"{url}{annotation.pk}")["fix"] == annotation.pk
    assert (
        "Its quote was: “fundamental error to allow”"
        in owner.get(f"{url}{annotation.pk}").content.decode()
    )
    for client_, fix in [(other, annotation.pk), (client, annotation.pk), (owner, anchored.pk)]:
        response = client_.get(f"{url}{fix}")
        assert "fix-notice" not in response.content.decode()
        assert page_data(client_, f"{url}{fix}")["fix"] is None
    for garbage in ("abc", "", "9" * 30):
        assert page_data(owner, f"{url}{garbage}")["fix"] is None


def test_the_annotation_to_open_is_passed_on(client):
    assert page_data(client, f"/articles/{NEW_LABOUR}/?annotation=12")["focus"] == 12
    assert page_data(client, f"/articles/{NEW_LABOUR}/?annotation=x")["focus"] is None


def test_the_page_data_is_escaped_as_json_script_escapes_it():
    data = {"note": "</script><script>alert('&')</script> <!--", "more": [1, None, "é \u2028"]}
    made = f'<script id="reader-context" type="application/json">{json_for_script(data)}</script>'
    assert made == json_script(data, "reader-context")
    assert "</script><script>" not in json_for_script(data)
