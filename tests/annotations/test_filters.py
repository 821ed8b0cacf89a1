"""One set of filters: the list page, the API, an export on the web and the export command
select the same annotations for the same filters, and refuse the same bad ones with a 400
(an error, on the command line) naming the field."""

import io
import json
import re
from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from annotations.models import Annotation
from archive.models import Paragraph
from tests.conftest import MOMENTUM, annotate

pytestmark = pytest.mark.usefixtures("ingested")
A_MONTH_AGO = f"{timezone.localdate() - timedelta(days=30)}"


@pytest.fixture
def library(users):
    prawn = annotate(users.owner, "prawn cocktail", note="R&D on finance", tags=["City"])
    trots = annotate(users.owner, "Trots?", tags=["humour"], visibility="shared")
    theirs = annotate(users.other, "Sabotage", tags=["humour", "City"], visibility="shared")
    lost = annotate(users.owner, "The bus to the Momentum", note="lost its passage")
    lost.orphan()
    lost.save()
    old = annotate(users.owner, "New Labour as such is dead", visibility="shared")
    Annotation.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=400))
    return {"prawn": prawn, "trots": trots, "theirs": theirs, "lost": lost, "old": old}


def export_form_fields(page: str) -> list[tuple[str, str]]:
    """The hidden fields the page's Export control sends, as a browser would send them."""
    form = re.search(r'<form class="export-form".*?</form>', page, re.DOTALL).group()
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)


def test_export_from_the_orphaned_list_holds_the_orphans_alone(library, client_for, users):
    client = client_for(users.owner)
    page = client.get("/annotations/", {"orphaned": "1"}).content.decode()
    assert library["lost"].quote in page and library["prawn"].quote not in page
    fields = export_form_fields(page)
    assert fields == [("orphaned", "1")]
    response = client.get("/annotations/export/", [*fields, ("format", "json")])
    data = json.loads(b"".join(response.streaming_content))
    assert [record["uid"] for record in data["annotations"]] == [str(library["lost"].uid)]


def uids_everywhere(client, username: str, params: list[tuple[str, str]]) -> list[set[str]]:
    """The uids each door selects for these filters, as `username` sees them."""
    uid_of = dict(Annotation.objects.values_list("pk", "uid"))
    api = client.get("/api/annotations", params).json()
    web = client.get("/annotations/export/", [*params, ("format", "json")])
    out = io.StringIO()
    options = [
        f"--{name}={value}" if name != "orphaned" else "--orphaned" for name, value in params
    ]
    call_command(
        "export_annotations", "--format=json", "--as", username, *options, stdout=out,
        stderr=io.StringIO(),
    )  # fmt: skip
    page = client.get("/annotations/", params).content.decode()
    return [
        {str(uid_of[a["id"]]) for a in api["results"]},
        {r["uid"] for r in json.loads(b"".join(web.streaming_content))["annotations"]},
        {r["uid"] for r in json.loads(out.getvalue())["annotations"]},
        {str(uid_of[int(pk)]) for pk in re.findall(r'\?annotation=(\d+)"', page)},
    ]


@pytest.mark.parametrize(
    "params, expected",
    [
        ([], {"prawn", "trots", "theirs", "lost", "old"}),
        ([("tag", "city")], {"prawn", "theirs"}),
        ([("tag", "CITY"), ("tag", "humour")], {"prawn", "trots", "theirs"}),
        ([("article", MOMENTUM)], {"trots", "theirs", "lost"}),
        ([("user", "other")], {"theirs"}),
        ([("visibility", "private")], {"prawn", "lost"}),
        ([("q", "r&d")], {"prawn"}),
        ([("orphaned", "1")], {"lost"}),
        ([("orphaned", "1"), ("q", "nothing like it")], set()),
        ([("since", A_MONTH_AGO)], {"prawn", "trots", "theirs", "lost"}),
        ([("until", A_MONTH_AGO)], {"old"}),
        ([("tag", "humour"), ("user", "owner")], {"trots"}),
    ],
)
def test_every_door_selects_the_same_annotations(library, client_for, users, params, expected):
    wanted = {str(library[name].uid) for name in expected}
    selected = uids_everywhere(client_for(users.owner), "owner", params)
    assert selected == [wanted] * 4


def test_what_you_may_not_see_no_filter_shows(library, client_for, users):
    # The owner's private, orphaned annotation is not the other reader's to find.
    selected = uids_everywhere(client_for(users.other), "other", [("orphaned", "1")])
    assert selected == [set()] * 4


def test_pages_carry_the_filters_whole(users, client_for):
    """A search holding & or = reaches the second page as it was typed."""
    paragraph = Paragraph.objects.get(text__contains="prawn cocktail offensive to evolve")
    Annotation.objects.bulk_create(
        Annotation(
            owner=users.owner,
            article_id=paragraph.article_id,
            start_paragraph=paragraph,
            end_paragraph=paragraph,
            start_offset=0,
            end_offset=10,
            quote=paragraph.text[:10],
            note=f"R&D=cost {n}",
        )
        for n in range(51)
    )
    client = client_for(users.owner)
    first = client.get("/annotations/", {"q": "r&d=c"}).content.decode()
    link = re.search(r'<a rel="next" href="\?([^"]+)"', first).group(1)
    assert parse_qsl(link.replace("&amp;", "&")) == [("q", "r&d=c"), ("page", "2")]
    second = client.get("/annotations/?" + link.replace("&amp;", "&")).content.decode()
    assert "Page 2 of 2" in second and len(re.findall(r'\?annotation=\d+"', second)) == 1


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"since": "yesterday"}, "since", "Give a date such as 2024-05-17."),
        ({"until": "2024-02-30"}, "until", "Give a date such as 2024-05-17."),
        ({"visibility": "public"}, "visibility", "Select a valid choice."),
        ({"tag": "x" * 101}, "tag", "A tag has at most 100 characters."),
        ({"q": "x" * 201}, "q", "Ensure this value has at most 200 characters (it has 201)."),
        ({"q": "a\x00b"}, "q", "Null characters are not allowed."),
        ({"tag": ["city", "a\x00b"]}, "tag", "Null characters are not allowed."),
        ({"user": "\x00"}, "user", "Null characters are not allowed."),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(users, client_for, params, field, message):
    client = client_for(users.owner)
    page = client.get("/annotations/", params)
    assert page.status_code == 400 and f"{field}: {message}" in page.content.decode()
    api = client.get("/api/annotations", params)
    assert api.status_code == 400 and list(api.json()) == [field]
    assert api.json()[field][0].startswith(message)
    export = client.get("/annotations/export/", {**params, "format": "csv"})
    assert export.status_code == 400 and f"{field}: {message}" in export.content.decode()


def test_the_command_names_a_bad_date(users):
    with pytest.raises(CommandError, match=r"since: Give a date such as 2024-05-17\."):
        call_command("export_annotations", "--format=csv", "--since=2024-13-01")


def test_the_page_filters_by_date_and_exports_what_it_shows(library, client_for, users):
    client = client_for(users.owner)
    page = client.get("/annotations/", {"until": A_MONTH_AGO}).content.decode()
    assert '<input type="date" name="since" value="">' in page
    assert f'<input type="date" name="until" value="{A_MONTH_AGO}">' in page
    assert library["old"].quote in page and library["prawn"].quote not in page
    fields = export_form_fields(page)
    assert fields == [("until", A_MONTH_AGO)]
    response = client.get("/annotations/export/", [*fields, ("format", "json")])
    data = json.loads(b"".join(response.streaming_content))
    assert [record["uid"] for record in data["annotations"]] == [str(library["old"].uid)]
    # Both ends, as the command line takes them, reach every page of the list.
    both = client.get("/annotations/", {"since": A_MONTH_AGO, "until": A_MONTH_AGO})
    assert both.context["query_string"] == f"since={A_MONTH_AGO}&until={A_MONTH_AGO}"
    assert f'<input type="date" name="since" value="{A_MONTH_AGO}">' in both.content.decode()


def test_one_orphan_is_said_in_the_singular(library, client_for, users):
    page = client_for(users.owner).get("/annotations/").content.decode()
    assert "One of your annotations lost its passage" in page
    library["prawn"].orphan()
    library["prawn"].save()
    page = client_for(users.owner).get("/annotations/").content.decode()
    assert "2 of your annotations lost their passage" in page
