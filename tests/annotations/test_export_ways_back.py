"""Every export carries the ways back to each excerpt (its permalink, and the passage in
the page its article first appeared on), and the books end with the articles' references
in the chosen style. Read back with real parsers: csv, json, the W3C suite, markdown-it,
python-docx; and imported again."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from markdown_it import MarkdownIt

from annotations.models import Annotation
from archive.models import Article
from tests.annotations.conftest import export
from tests.annotations.test_export_citing import download
from tests.conftest import NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")
ORIGINAL = "https://www.newstatesman.com/politics/2010/05/rise-and-fall"
VALIDATOR = Path(__file__).parent.parent / "fixtures" / "w3c-annotation-model" / "validate.py"


@pytest.fixture
def excerpts(users):
    Article.objects.filter(slug=NEW_LABOUR).update(original_url=ORIGINAL)
    return [
        annotate(users.owner, "prawn cocktail offensive", tags=["city"], visibility="shared"),
        annotate(users.owner, "Momentum HQ is in the TSSA", tags=["city"]),
    ]


def ways_back(annotation: Annotation) -> tuple[str, str]:
    permalink = f"http://testserver/a/{annotation.uid}/"
    return permalink, annotation.original_passage_url()


def test_the_original_passage_is_a_text_fragment(excerpts):
    prawn, momentum = excerpts
    assert prawn.original_passage_url().startswith(ORIGINAL + "#:~:text=")
    assert momentum.original_passage_url() == ""  # its article has no original address


def test_csv_and_json_carry_them(client_for, users, excerpts):
    client = client_for(users.owner)
    rows = list(csv.DictReader(io.StringIO(download(client, format="csv").decode("utf-8-sig"))))
    records = json.loads(download(client, format="json"))["annotations"]
    for annotation, row, record in zip(excerpts, rows, records, strict=True):
        permalink, original = ways_back(annotation)
        assert (row["permalink"], row["original_passage_url"]) == (permalink, original)
        assert (record["permalink"], record["original_passage_url"]) == (
            permalink,
            original or None,
        )


def test_jsonld_names_the_passage_here_and_in_the_original(excerpts, tmp_path, users):
    path = tmp_path / "export.jsonld"
    call_command("export_annotations", "--format", "jsonld", "-o", str(path), stderr=io.StringIO())
    result = subprocess.run(
        [sys.executable, str(VALIDATOR), "--containers", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    prawn, momentum = json.loads(path.read_text())["first"]["items"]
    assert prawn["id"] == f"http://127.0.0.1:8000/a/{excerpts[0].uid}/"
    here, elsewhere = prawn["target"]
    assert here["source"] == f"http://127.0.0.1:8000/articles/{NEW_LABOUR}/"
    assert elsewhere == {
        "id": excerpts[0].original_passage_url(),
        "type": "SpecificResource",
        "source": ORIGINAL,
        "selector": here["selector"][0],
    }
    assert isinstance(momentum["target"], dict)
    # And it reads back: the import takes the target in this archive.
    Annotation.objects.all().delete()
    call_command("import_annotations", str(path), "--as", "other", stdout=io.StringIO())
    assert sorted(Annotation.objects.values_list("quote", flat=True)) == [
        "Momentum HQ is in the TSSA",
        "prawn cocktail offensive",
    ]


def test_the_markdown_book_links_back_and_lists_its_references(client_for, users, excerpts):
    text = download(client_for(users.owner), format="md", style="mla").decode()
    tokens = MarkdownIt("commonmark").parse(text)
    links = [
        (tokens[i].children[j + 1].content, child.attrGet("href"))
        for i, token in enumerate(tokens)
        if token.type == "inline"
        for j, child in enumerate(token.children or [])
        if child.type == "link_open"
    ]
    prawn, momentum = (ways_back(a) for a in excerpts)
    assert links == [
        ("Permalink", prawn[0]),
        ("In the original", prawn[1]),
        ("Permalink", momentum[0]),
    ]
    references = text.split("## References", 1)[1]
    assert references.count("Giddens, Anthony.") == 1  # MLA: the given name whole
    assert "*New Statesman*" in references  # its italics
    assert references.count("Losing Momentum") == 1


def test_the_word_book_links_back_and_lists_its_references(client_for, users, excerpts):
    document = docx.Document(io.BytesIO(download(client_for(users.owner), format="docx")))
    links = [(link.text, link.address) for p in document.paragraphs for link in p.hyperlinks]
    prawn, momentum = (ways_back(a) for a in excerpts)
    assert links == [
        ("Permalink", prawn[0]),
        ("In the original", prawn[1]),
        ("Permalink", momentum[0]),
    ]
    paragraphs = document.paragraphs
    at = [p.text for p in paragraphs].index("References")
    assert paragraphs[at].style.name == "Heading 1"
    references = paragraphs[at + 1 :]
    assert [p.text.split(" (")[0] for p in references] == [
        "Giddens, A.",  # APA by default
        "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam.",
    ]
    assert [r.text for r in references[0].runs if r.italic] == ["New Statesman"]


def test_the_style_is_chosen_on_the_command_line(users, excerpts):
    assert "Giddens, Anthony. 2010." in export("--format", "md", "--style", "chicago")
    with pytest.raises(Exception, match="invalid choice"):
        export("--format", "md", "--style", "vancouver")


def test_a_style_it_does_not_know_is_a_400(client_for, users, excerpts):
    response = client_for(users.owner).get(
        "/annotations/export/", {"format": "md", "style": "vancouver"}
    )
    assert response.status_code == 400
    assert "style: Cite in one of the styles: apa, chicago, mla, harvard." in (
        response.content.decode()
    )
