"""Every way an annotation gets tags or changes audience keeps its tags in its audience:
the importer and the operator's admin, beside the API (test_tag_namespaces)."""

import io
import json
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from annotations.models import Annotation, Tag
from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")


def test_an_import_tags_in_the_annotations_own_audience(users, tmp_path):
    theirs = annotate(users.other, "Trots?", tags=["placeholder"], visibility="shared")
    path = tmp_path / "backup.json"
    call_command("export_annotations", "--format", "json", "-o", str(path), stderr=io.StringIO())
    backup = json.loads(path.read_text(encoding="utf-8"))
    (record,) = backup["annotations"]
    record["tags"] = [{"name": "SECRET!", "description": "From the file"}]
    path.write_text(json.dumps(backup), encoding="utf-8")
    theirs.delete()
    owners = annotate(users.owner, "prawn cocktail", tags=["Secret", "secret!!"])
    Tag.objects.filter(name="Secret").update(description="The owner's own")

    call_command("import_annotations", str(path), "--keep-annotators", stdout=io.StringIO())
    imported = Annotation.objects.get(uid=record["uid"])
    assert [(t.name, t.slug, t.audience, t.description) for t in imported.tags.all()] == [
        ("SECRET!", "secret", "shared", "From the file")
    ]
    assert sorted(owners.tags.values_list("name", "slug", "description")) == [
        ("Secret", "secret", "The owner's own"),
        ("secret!!", "secret_1", ""),
    ]


class FormFields(HTMLParser):
    """The values a browser would send back from the page's (one) admin form, unchanged."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox"):
            self.data[name] = attrs.get("value") or ""
        elif tag == "input" and name and "checked" in attrs:
            self.data[name] = attrs.get("value") or "on"
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def test_the_operator_sharing_an_annotation_in_the_admin_moves_its_tags(users, client_for):
    annotate(users.other, "Trots?", tags=["city"], visibility="shared")
    mine = annotate(users.owner, "prawn cocktail", tags=["City", "Hush"])
    users.staff.is_superuser = True
    users.staff.save()
    operator = client_for(users.staff)
    url = f"/admin/annotations/annotation/{mine.pk}/change/"
    form = FormFields()
    form.feed(operator.get(url).content.decode())
    form.data["visibility"] = "shared"
    response = operator.post(url, form.data)
    assert response.status_code == 302, response.content.decode()[:2000]
    mine.refresh_from_db()
    assert mine.visibility == "shared"
    assert sorted(mine.tags.values_list("name", "audience")) == [
        ("Hush", "shared"),
        ("city", "shared"),
    ]
    other_sees = client_for(users.other).get("/api/tags").json()["results"]
    assert [(t["name"], t["count"]) for t in other_sees] == [("city", 2), ("Hush", 1)]
