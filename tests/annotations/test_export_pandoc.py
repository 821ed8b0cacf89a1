"""The Pandoc export: a tag exported, then rendered by `pandoc --citeproc` to HTML and to
Word, finds every excerpt cited at its paragraphs and each article once in the
reference list, whatever the titles, quotes, notes and tags hold."""

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from lxml import html

from annotations.changes import annotations_changed
from annotations.tagging import set_tags
from archive.models import Article
from tests.annotations.conftest import export
from tests.annotations.test_export_citing import download, spanning
from tests.conftest import MOMENTUM, NEW_LABOUR, annotate

pytestmark = pytest.mark.usefixtures("ingested")
HOSTILE = "Rise & *fall* of @giddens2010rise [x]^y^ $5 ~z~ | --- \\end <b>: 'quoted'"


def pandoc(markdown: bytes, *args: str) -> subprocess.CompletedProcess:
    assert shutil.which("pandoc"), "pandoc is needed (.ci/run installs it)"
    return subprocess.run(
        ["pandoc", "--from", "markdown", "--citeproc", *args],
        input=markdown,
        capture_output=True,
        check=True,
        timeout=120,
    )


@pytest.fixture
def tagged(users):
    """Three excerpts tagged "evidence": one runs over two paragraphs, one is in the
    other article; a fourth, untagged, is not exported."""
    spans = spanning(users.owner, note="Runs on.")
    set_tags(spans, ["evidence"])
    annotations_changed([spans], tags_changed=True)
    return [
        spans,
        annotate(users.owner, "prawn cocktail offensive", tags=["evidence"], note="@nobody *x*"),
        annotate(users.owner, "Momentum HQ is in the TSSA", tags=["evidence", "a@b"]),
        annotate(users.owner, "Trots?"),
    ]


def exported(client_for, users) -> bytes:
    return download(client_for(users.owner), format="pandoc", tag="evidence")


def test_the_export_cites_each_excerpt_at_its_paragraphs(client_for, users, tagged):
    text = exported(client_for, users).decode()
    assert text.startswith("---\n")
    assert "[@giddens2010rise, para. 6–7]" in text
    prawn = tagged[1].start_paragraph.position
    assert f"[@giddens2010rise, para. {prawn}]" in text
    assert "[@newstatesman2017losing, para." in text
    assert "Trots?" not in text
    assert text.count("Permalink") == 3


def test_pandoc_renders_every_citation_and_the_reference_list_to_html(client_for, users, tagged):
    rendered = pandoc(exported(client_for, users), "--to", "html")
    assert b"[WARNING]" not in rendered.stderr, rendered.stderr.decode()
    page = html.fromstring(rendered.stdout.decode())
    citations = page.xpath("//span[@class='citation']")
    assert [c.get("data-cites") for c in citations] == [
        "giddens2010rise",
        "giddens2010rise",
        "newstatesman2017losing",
    ]
    cited = [" ".join(c.text_content().split()) for c in citations]
    prawn = tagged[1].start_paragraph.position
    assert cited[:2] == [f"(Giddens 2010, para. {prawn})", "(Giddens 2010, paras. 6–7)"]
    assert cited[2].startswith("(New Statesman 2017, para. ")
    assert "???" not in page.text_content()
    entries = page.xpath("//div[@id='refs']/div[contains(@class, 'csl-entry')]")
    assert sorted(entry.get("id") for entry in entries) == [
        "ref-giddens2010rise",
        "ref-newstatesman2017losing",
    ]
    # Each quote follows from the blockquote just before its citation.
    quotes = page.xpath("//blockquote")
    assert len(quotes) == 3
    assert "prawn cocktail offensive" in quotes[0].text_content()


def test_pandoc_renders_it_to_word(client_for, users, tagged, tmp_path: Path):
    out = tmp_path / "excerpts.docx"
    rendered = pandoc(exported(client_for, users), "--output", str(out))
    assert b"[WARNING]" not in rendered.stderr, rendered.stderr.decode()
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    text = "\n".join(paragraphs)
    assert "(Giddens 2010, paras. 6–7)" in text
    assert "References" in paragraphs
    references = paragraphs[paragraphs.index("References") + 1 :]
    assert sum("The Rise and Fall of New Labour" in p for p in references) == 1
    assert sum("Losing Momentum" in p for p in references) == 1
    assert "???" not in text


def test_hostile_titles_quotes_notes_and_tags_stay_text(client_for, users, tagged):
    Article.objects.filter(slug=NEW_LABOUR).update(title=HOSTILE)
    Article.objects.filter(slug=MOMENTUM).update(author="Jane @Roe", publication="*Bold* Ltd")
    tagged[0].note = "---\ntitle: forged\n---\n[@newstatesman2017losing] ^[a footnote]"
    tagged[0].save()
    rendered = pandoc(exported(client_for, users), "--to", "html")
    assert b"[WARNING]" not in rendered.stderr, rendered.stderr.decode()
    page = html.fromstring(rendered.stdout.decode())
    # Three citations still: none forged by a note, a tag, a title or an author.
    assert len(page.xpath("//span[@class='citation']")) == 3
    references = " ".join(page.xpath("//div[@id='refs']")[0].text_content().split())
    # Word for word (the style capitalises the title's words).
    assert HOSTILE.casefold() in references.casefold()
    assert "Roe, Jane @" not in references and "@Roe" in references
    assert "*Bold* Ltd" in references
    assert not page.xpath("//section[@class='footnotes']")


def test_an_empty_export_is_still_a_document(client_for, users):
    markdown = download(client_for(users.owner), format="pandoc")
    rendered = pandoc(markdown, "--standalone", "--to", "html")
    assert b"[WARNING]" not in rendered.stderr
    words = " ".join(html.fromstring(rendered.stdout.decode()).text_content().split())
    assert "no excerpts, since no annotation you can see matches this selection" in words


def test_the_command_writes_it_and_the_reference_files(users, tagged):
    assert "[@giddens2010rise, para. 6–7]" in export("--format", "pandoc", "--tag", "evidence")
    bib = export("--format", "bibtex", "--tag", "evidence")
    assert bib.count("@article{") == 2
    assert export("--format", "ris", "--tag", "evidence").count("TY  - MGZN") == 2
    assert '"id": "giddens2010rise"' in export("--format", "csl-json", "--tag", "evidence")


def test_an_original_address_cannot_break_out_of_its_link(client_for, users, tagged):
    Article.objects.filter(slug=NEW_LABOUR).update(
        original_url="https://x.test/a\"><script>alert(3)</script>/100%25,a-b?q=1&r='x'#frag"
    )
    for format_name in ("pandoc", "md"):
        rendered = pandoc(download(client_for(users.owner), format=format_name), "--to", "html")
        page = rendered.stdout.decode()
        assert "<script>" not in page
        links = html.fromstring(page).xpath("//a[normalize-space(.)='In the original']/@href")
        assert len(links) == 2
        assert all(link.startswith("https://x.test/a%22%3E%3Cscript%3E") for link in links)
