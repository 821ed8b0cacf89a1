"""A Word export keeps what a note says and how: bold, italic, paragraphs, lists, code and
real hyperlinks (to the web or mail only), its tags, and document properties naming the
reader. Read back with python-docx, down to the hyperlink relationships."""

import io
from datetime import timedelta

import docx
import pytest
from django.utils import timezone

from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")

NOTE = """First paragraph with **bold**, *italic*, ~~gone~~ and `code`.

Second paragraph, [a source](https://example.org/source "a title") and
[mail me](mailto:a@example.org), [files](ftp://example.org/), a [page](/accounts/),
[script](javascript:alert(1)).

- bullet one
- bullet **two**
  - nested

3. three
4. four

```python
print("hi")
print("there")
```

# Not a heading

![chart](https://x.example/c.png)"""


def export_docx(client, **query):
    response = client.get("/annotations/export/", {"format": "docx", **query})
    assert response.status_code == 200, response.content
    return docx.Document(io.BytesIO(b"".join(response.streaming_content)))


def note_paragraphs(document, first_words: str):
    """The note's paragraphs: from the one starting with first_words to the end."""
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith(first_words))
    return paragraphs[start:]


@pytest.fixture
def noted(users):
    users.owner.first_name, users.owner.last_name = "Olive", "Owner"
    users.owner.save()
    return annotate(
        users.owner, "prawn cocktail offensive to evolve", note=NOTE, tags=["City", "Finance"]
    )


def test_a_notes_formatting_becomes_words_formatting(noted, users, client_for):
    document = export_docx(client_for(users.owner))
    first, second, *rest = note_paragraphs(document, "First paragraph")
    assert first.text == "First paragraph with bold, italic, gone and code."
    runs = {run.text: run for run in first.runs}
    assert runs["bold"].bold and not runs["bold"].italic
    assert runs["italic"].italic and not runs["italic"].bold
    assert runs["gone"].font.strike
    assert runs["code"].font.name == "Courier New"
    assert not runs["First paragraph with "].bold

    # Separate paragraphs stay separate; the note's line break stays one.
    assert second.text.startswith("Second paragraph, a source and\nmail me")
    # Links to the web or mail are real hyperlinks, each to its external relationship.
    links = {link.text: link for link in second.hyperlinks}
    assert set(links) == {"a source", "mail me"}
    assert links["a source"].address == "https://example.org/source"
    assert links["mail me"].address == "mailto:a@example.org"
    relationship = document.part.rels[links["a source"]._hyperlink.rId]
    assert relationship.is_external and relationship.target_ref == "https://example.org/source"
    # Any other link keeps its words, as plain text (markdown-it, as the app, shows a
    # javascript: link as the Markdown it is).
    assert "mail me, files, a page,\n[script](javascript:alert(1))." in second.text
    external = {r.target_ref for r in document.part.rels.values() if r.is_external}
    assert external == {
        "https://example.org/source",
        "mailto:a@example.org",
        "https://x.example/c.png",  # the image, as a link to it
        f"http://testserver{noted.get_permalink()}",  # and the excerpt's own
    }

    styled = [(p.style.name, p.text) for p in rest]
    assert styled[:5] == [
        ("List Bullet", "bullet one"),
        ("List Bullet", "bullet two"),
        ("List Bullet 2", "nested"),
        ("List Number", "three"),
        ("List Number", "four"),
    ]
    assert [r.bold for r in rest[1].runs if r.text == "two"] == [True]
    code = rest[5]
    assert code.text == 'print("hi")\nprint("there")'
    assert {run.font.name for run in code.runs} == {"Courier New"}
    assert (rest[6].style.name, rest[6].text) == ("Normal", "Not a heading")
    assert rest[6].runs[0].bold  # a note's heading is a bold paragraph, not a heading
    assert [link.text for link in rest[7].hyperlinks] == ["chart"]


def test_a_numbered_list_starts_at_its_own_number_in_every_note(users, client_for):
    for phrase in ("prawn cocktail offensive to evolve", "Trots?"):
        annotate(users.owner, phrase, note="1. first\n2. second")
    document = export_docx(client_for(users.owner))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["first", "second"] * 2
    numbering = document.part.numbering_part.element
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert ids[0] == ids[1] != ids[2] == ids[3]  # each list its own numbering
    for number_id in (ids[0], ids[2]):
        override = numbering.num_having_numId(number_id).lvlOverride_lst[0]
        assert override.startOverride.val == 1


def test_an_excerpt_carries_its_tags_and_the_document_names_its_reader(noted, users, client_for):
    before = timezone.now().replace(microsecond=0)
    for group in ("article", "tag"):
        document = export_docx(client_for(users.owner), group=group)
        texts = [p.text for p in document.paragraphs]
        assert "Tags: City, Finance" in texts
        properties = document.core_properties
        assert properties.author == "Olive Owner"
        assert properties.title == "Commonplace book"
        assert "python-docx" not in (properties.comments or "")
        assert before - timedelta(seconds=1) <= properties.created <= timezone.now()
    users.other.save()
    assert export_docx(client_for(users.other)).core_properties.author == "other"


def test_an_anonymous_readers_document_is_by_commonplace(noted, users, client_for, settings):
    settings.COMMONPLACE_ANONYMOUS_READS_SHARED = True
    noted.visibility = "shared"
    noted.save()
    document = export_docx(client_for(None))
    assert document.core_properties.author == "Commonplace"
    assert "Annotated by owner" in [p.text for p in document.paragraphs]


def test_a_note_with_no_markdown_at_all_is_its_words(users, client_for):
    annotate(users.owner, "Trots?", note="Just words.\u0001")
    texts = [p.text for p in export_docx(client_for(users.owner)).paragraphs]
    # The excerpt's links, then its note, then the references
    assert texts[texts.index("References") - 1] == "Just words."  # no character XML refuses
