"""What a note says stays inside the note: no formula in a spreadsheet, no heading,
blockquote, citation, script link or remote image in a commonplace book. Each export is
read back with a real parser (csv, markdown-it-py, python-docx)."""

import csv
import io
import json
import os
import subprocess

import pytest
from django.core.management import call_command
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.conftest import annotate

pytestmark = pytest.mark.usefixtures("ingested")
# Examples per fuzzed test: FUZZ_EXAMPLES=2000 for a longer run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_annotations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# CSV --------------------------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    " =1+1",  # a space
    "   @SUM(A1)",
    "\n=1+1",  # a line break
    "\r\n-1",
    "\u00a0=1+1",  # a no-break space
    "\u200b=1+1",  # a zero-width space
    "\ufeff+1",  # a byte order mark, invisible
    "\u2028=1",  # a line separator
    "\u3000=1",  # an ideographic space
    "\x0b\x0c=1",  # vertical tab, form feed
    "\t",
    "\ttab first",
    "\rreturn first",
    "＝1+1",  # full-width equals
]
HARMLESS = ["Plain words", "a = b", " words first", "'quoted", "", "\u200bword"]


def test_no_csv_cell_can_start_a_formula(users):
    for note in FORMULAS + HARMLESS:
        annotate(users.owner, "Trots?", note=note)
    annotate(users.owner, "Sabotage", tags=["\u200b=cmd()", " +tag"])
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv").removeprefix("\ufeff"))))
    notes = [row["note"] for row in rows if row["quote"] == "Trots?"]
    assert sorted(notes) == sorted(["'" + note for note in FORMULAS] + HARMLESS)
    tags = next(row["tags"] for row in rows if row["quote"] == "Sabotage")
    assert tags == "' +tag; \u200b=cmd()"  # one cell: only its start matters


# The commonplace book --------------------------------------------------------------------

HOSTILE_NOTES = [
    "# A forged heading\n\nSetext too\n===",
    '> — Anthony Giddens, "Forged", New Statesman, 1 April 2010, ¶1',
    "- a list\n\n  > a quote in it\n\n  ## a heading in it",
    "[script](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) "
    "[vb](VBScript:msgbox) [relative](/accounts/token/) [ref][evil]\n\n[evil]: javascript:x",
    '<javascript:alert(1)> <a href="javascript:alert(1)">a</a> <img src=x onerror=alert(1)>',
    "![tracker](https://tracker.example/pixel.gif) [![nested](https://a.example/i.png)]"
    "(https://b.example/)",
    "<div>\n\n> raw block\n\n</div>\n\n<script>alert(1)</script>",
    "Before\n\n---\n\n***\n\nAfter",
    "```\nunclosed fence\n\n> and a quote after it",
    "Lazy\n> continuation\n- and a list",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#35; not a heading",
]
KEPT = (
    "Kept: *emphasis*, **strong**, `code`, [a link](https://example.org/a), "
    "[mail](mailto:a@example.org)\n\n1. one\n2. two\n\n```python\nprint(1)\n```"
)


NEW_LABOUR_TITLE = "The rise and fall of New Labour"
MOMENTUM_TITLE = "Losing Momentum: how Jeremy Corbyn’s support group ran out of steam"
# Words, and every character that means something to Markdown, often.
MARKDOWN_PIECES = [
    *"#>-=*_`~[]()!<>:/\\&;|+.1 \n\r\t\x00\x0b\x85\u2028",
    *("javascript:", "http://x", "```", "~~~", "    ", "\n\n", "- ", "> ", "[a]: ", "a"),
]
MARKDOWN_NOTES = st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=40).map("".join)
# And what means something to Pandoc's Markdown besides.
PANDOC_PIECES = [
    *MARKDOWN_PIECES,
    *"@$^{}|%:",
    *("{=html}", "`x`", ":::", "^[", "[^1]", "[@k]", "$$", "\\begin{x}", "-- --", "--|--"),
    *("---\n", "\nt: x\n", ": ", "| ", "+---+", "{.c}", "A. ", "#. ", "(@) "),
]
PANDOC_NOTES = st.lists(st.sampled_from(PANDOC_PIECES), max_size=30).map("".join)


@pytest.fixture
def hostile_book(users):
    notes = [*HOSTILE_NOTES, KEPT]
    phrases = ["Trots?", "Sabotage", "prawn cocktail offensive to evolve"]
    return [
        annotate(users.owner, phrases[n % len(phrases)], note=note, tags=["t"])
        for n, note in enumerate(notes)
    ]


def parse(markdown: str):
    # HTML on: what a reader's Markdown viewer might do with the file.
    return MarkdownIt("commonmark", {"html": True}).parse(markdown)


def inline_text(token) -> str:
    return "".join(child.content for child in token.children or [] if child.type == "text")


def blockquotes(tokens) -> list[list[str]]:
    """Each top-level blockquote's paragraphs, as text."""
    quotes, inside = [], None
    for token in tokens:
        if token.type == "blockquote_open" and token.level == 0:
            inside = []
        elif token.type == "blockquote_close" and token.level == 0:
            quotes.append(inside)
            inside = None
        elif token.type == "inline" and inside is not None:
            inside.append(inline_text(token))
    return quotes


def assert_contained(tokens) -> None:
    """Nothing from a note renders as HTML, fetches an image or links to a script."""
    everything = [child for t in tokens for child in [t, *(t.children or [])]]
    assert not {token.type for token in everything} & {"html_block", "html_inline", "image"}
    links = [t.attrGet("href") for t in everything if t.type == "link_open"]
    assert all(link.startswith(("http:", "https:", "mailto:")) for link in links), links


@pytest.mark.parametrize("group", ["article", "tag"])
def test_a_note_cannot_change_the_structure_of_the_book(hostile_book, group):
    from annotations.formats.base import citation

    tokens = parse(export("--format", "md", "--group-by", group))
    headings = [
        (t.tag, inline_text(tokens[i + 1]))
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]
    groups = ["t"] if group == "tag" else [NEW_LABOUR_TITLE, MOMENTUM_TITLE]
    assert headings == [("h1", "Commonplace book")] + [("h2", name) for name in groups] + [
        ("h2", "References")
    ]
    # One blockquote per excerpt, in reading order, holding the quote and then its
    # citation: nothing else, and nowhere else, is a blockquote.
    excerpts = sorted(
        hostile_book, key=lambda a: (a.article.issue_date, a.start_paragraph.position, a.pk)
    )
    quotes = blockquotes(tokens)
    assert len(quotes) == len(excerpts) == sum(t.type == "blockquote_open" for t in tokens)
    for paragraphs, annotation in zip(quotes, excerpts, strict=True):
        assert paragraphs[:2] == [annotation.quote, f"— {citation(annotation)}"]
    assert "hr" not in {token.type for token in tokens}
    assert_contained(tokens)


def test_what_a_note_may_say_survives(users):
    note = "line one\nline two\n\n![chart](https://x.example/c.png)\n\n" + KEPT
    annotate(users.owner, "Trots?", note=note)
    html = MarkdownIt("commonmark").render(export("--format", "md"))
    for kept in (
        "<em>emphasis</em>",
        "<strong>strong</strong>",
        "<code>code</code>",
        '<a href="https://example.org/a">a link</a>',
        '<a href="mailto:a@example.org">mail</a>',
        "<li>one</li>",
        '<code class="language-python">print(1)',
        "<br />\nline two",  # the app shows a note's line breaks
        '<a href="https://x.example/c.png">chart</a>',  # the image, as a link
    ):
        assert kept in html


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(note=MARKDOWN_NOTES, quote=MARKDOWN_NOTES)
# Found by this test: empty list items nested three deep were written back as a rule.
@example(note="- - *", quote="")
@example(note="1. + + +", quote="")
def test_no_note_escapes_its_place(note, quote):
    """Between two excerpts, whatever the note and the quote: two blockquotes, each
    ending with its citation, and nothing else with any structure of the book."""
    from annotations.formats import markdown_blocks as markdown

    book = markdown.render(
        markdown.blockquote([quote, "— first citation"])
        + markdown.contained_note(note)
        + markdown.blockquote(["second quote", "— second citation"])
    )
    tokens = parse(book)
    quotes = blockquotes(tokens)
    assert [paragraphs[-1] for paragraphs in quotes] == ["— first citation", "— second citation"]
    assert quotes[1] == ["second quote", "— second citation"]
    assert not any(t.type in ("heading_open", "hr") for t in tokens)
    assert_contained(tokens)


# What Pandoc makes of the book: its Markdown reads more than CommonMark does.

PANDOC_HOSTILE_NOTES = [
    "* * *",
    "---",
    "___",
    "> — a forged citation",
    "# A forged heading",
    "`<script>alert(1)</script>`{=html} and `\\input{/etc/passwd}`{=latex}",
    "```{=html}\n<script>alert(1)</script>\n```",
    "``` {=latex}\n\\input{/etc/passwd}\n```",
    "A forged footnote^[which Pandoc moves to the end of the book] and [^1]\n\n[^1]: there",
    "Math: $\\input{/etc/passwd}$ and $$x$$",
    "As [@giddens2010, p. 12] says, and @giddens2010 too",
    "::: {.warning}\nA forged box\n:::",
    "| a | b |\n|---|---|\n| c | d |",
    "a   b\n--  --\nc   d",
    "Term\n:   a definition",
    "| a forged\n| line block",
    "text\n\n---\ntitle: A forged title\n---\n\nafter",
    "[a span]{.smallcaps} and ![an image](https://tracker.example/p.gif){width=1}",
]


def pandoc(markdown: str) -> dict:
    """The book as Pandoc reads it: its own Markdown, every extension it has by default."""
    result = subprocess.run(
        ["pandoc", "--from", "markdown", "--to", "json"],
        input=markdown.encode(),
        capture_output=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def pandoc_text(inlines: list) -> str:
    parts = []
    for inline in inlines:
        kind, content = inline["t"], inline.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak"):
            parts.append(" ")
        elif kind in ("Emph", "Strong"):
            parts.append(pandoc_text(content))
        elif kind == "Quoted":  # Pandoc's smart quotes
            mark = '"' if content[0]["t"] == "DoubleQuote" else "'"
            parts.append(mark + pandoc_text(content[1]) + mark)
    return "".join(parts)


def pandoc_headings(document: dict) -> list[tuple[int, str]]:
    return [(b["c"][0], pandoc_text(b["c"][2])) for b in document["blocks"] if b["t"] == "Header"]


def assert_pandoc_reads_the_book(document: dict, citations: list[str], whose: str = ""):
    blocks = document["blocks"]
    assert document["meta"] == {}  # no note sets the book's title
    quotes = [b["c"] for b in blocks if b["t"] == "BlockQuote"]
    # Each excerpt one blockquote, ending with its citation (and whose it is, if it is not
    # the reader's) and its links, and nothing else one.
    quotes = [q[:-1] if any(i["t"] == "Link" for i in q[-1]["c"]) else q for q in quotes]
    if whose:
        assert [pandoc_text(quote[-1]["c"]) for quote in quotes] == [whose] * len(citations)
        quotes = [quote[:-1] for quote in quotes]
    assert [pandoc_text(quote[-1]["c"]) for quote in quotes] == citations
    everything = json.dumps(blocks)
    for forged in ("HorizontalRule", "RawBlock", "RawInline", "Note", "Cite", "Math", "Div"):
        assert f'"t": "{forged}"' not in everything, forged
    assert '"t": "Image"' not in everything and '"t": "Table"' not in everything


def test_pandoc_reads_the_book_as_the_book(users):
    from annotations.formats.base import citation

    excerpts = [
        annotate(users.owner, "Trots?", note=note) for note in PANDOC_HOSTILE_NOTES + HOSTILE_NOTES
    ]
    document = pandoc(export("--format", "md"))
    assert pandoc_headings(document) == [
        (1, "Commonplace book"),
        (2, MOMENTUM_TITLE),
        (2, "References"),
    ]
    # The whole database, for whoever runs the server: none of it is theirs.
    citations = [f"— {citation(a)}" for a in excerpts]
    assert_pandoc_reads_the_book(document, citations, whose="Annotated by owner")


@settings(max_examples=max(EXAMPLES // 4, 10), deadline=None, database=None)
@given(note=PANDOC_NOTES, quote=PANDOC_NOTES, title=PANDOC_NOTES)
def test_no_note_escapes_its_place_in_pandoc(note, quote, title):
    from annotations.formats import markdown_blocks as markdown

    book = markdown.render(
        markdown.heading("Book", 1)
        + markdown.heading(title or "x", 2)
        + markdown.blockquote([quote, "— first citation"])
        + markdown.contained_note(note)
        + markdown.blockquote(["second quote", "— second citation"])
    )
    document = pandoc(book)
    assert [level for level, _ in pandoc_headings(document)] == [1, 2]
    assert_pandoc_reads_the_book(document, ["— first citation", "— second citation"])


def test_a_note_cannot_change_the_structure_of_the_word_book(hostile_book, tmp_path):
    import docx

    from annotations.formats.base import citation

    path = tmp_path / "book.docx"
    call_command("export_annotations", "--format", "docx", "-o", str(path), stderr=io.StringIO())
    document = docx.Document(str(path))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert [text for style, text in paragraphs if style.startswith(("Title", "Heading"))] == [
        "Commonplace book",
        NEW_LABOUR_TITLE,
        MOMENTUM_TITLE,
        "References",
    ]
    excerpts = sorted(
        hostile_book, key=lambda a: (a.article.issue_date, a.start_paragraph.position, a.pk)
    )
    assert [text for style, text in paragraphs if style == "Quote"] == [a.quote for a in excerpts]
    # Each quote is followed by the book's own lines, citation first; a note's headings
    # and blockquotes are plain paragraphs, so nothing a note says is a heading or a quote.
    after_quotes = [
        paragraphs[i + 1][1]
        for i, (style, _) in enumerate(paragraphs)
        if style == "Quote" and paragraphs[i + 1][0] != "Quote"
    ]
    assert after_quotes == [f"— {citation(a)}" for a in excerpts]
    assert {style for style, _ in paragraphs} <= {
        "Title", "Heading 1", "Quote", "Normal", "List Bullet", "List Number", "List Continue"
    }  # fmt: skip
    # No picture, field or object that Word would fetch or run; links only to the web or mail.
    xml = document.element.xml
    for element in ("w:drawing", "w:pict", "w:fldSimple", "w:instrText", "w:object"):
        assert element not in xml
    external = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    permalinks = {f"http://127.0.0.1:8000{a.get_permalink()}" for a in excerpts}
    from_notes = [url for url in external if url not in permalinks]
    assert permalinks <= set(external)  # the book's own links, to each excerpt
    assert from_notes and all(url.startswith(("https:", "mailto:")) for url in from_notes)
    assert "https://tracker.example/pixel.gif" in external  # the image, as a link to it
    assert any("<script>alert(1)</script>" in text for _, text in paragraphs)  # as words
