"""A note in a Word document as the app shows it: its Markdown (parsed as annotations/notes.py
parses it) becomes Word's own paragraphs, lists and runs, bold, italic, struck through or
code, with its links as real hyperlinks. As in the app, raw HTML stays text, an image
becomes a link to it, and only an http, https or mailto link is a link: any other keeps
its words as plain text. A heading in a note becomes a bold paragraph, so that it never
reads as one of the book's headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from annotations.notes import LINK_SCHEMES, parse_note

CODE_FONT = "Courier New"
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)
# XML 1.0 refuses these characters, so a Word document cannot hold them.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LIST_STYLES = {"bullet_list_open": "List Bullet", "ordered_list_open": "List Number"}
_DEEPEST_LIST = 3  # Word's built-in list styles go three levels deep


def xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text)


def linkable(url) -> bool:
    return isinstance(url, str) and urlsplit(url.strip()).scheme.lower() in LINK_SCHEMES


@dataclass
class _List:
    style: str
    start: int
    number_id: int | None = None  # a numbered list's own numbering, restarting at start


@dataclass
class _Inline:
    """The formatting in force while a note's inline tokens are written."""

    bold: int = 0  # how many strong spans (a heading counting as one) are open
    italic: bool = False
    strike: bool = False
    link: object = None  # the w:hyperlink element runs go into
    links: list[bool] = field(default_factory=list)  # for each link open: whether it is kept


class NoteWriter:
    """Writes notes into one document."""

    def __init__(self, document: Document):
        self.document = document

    def write(self, markdown: str) -> None:
        lists: list[_List] = []
        paragraph, item_starts, strong_block = None, False, False
        for token in parse_note(markdown):
            kind = token.type
            if kind in _LIST_STYLES:
                start = int(token.attrGet("start") or 1)
                lists.append(_List(_level_style(_LIST_STYLES[kind], len(lists) + 1), start))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                item_starts = True
            elif kind in ("paragraph_open", "heading_open", "tr_open"):
                if item_starts and lists:
                    paragraph = self._list_item(lists[-1])
                else:
                    paragraph = self.document.add_paragraph()
                    if lists:  # a later paragraph of a list item: indented with it
                        paragraph.style = self.document.styles[
                            _level_style("List Continue", len(lists))
                        ]
                item_starts, strong_block = False, kind == "heading_open"
            elif kind in ("th_open", "td_open") and paragraph is not None and paragraph.runs:
                paragraph.add_run("\t")
            elif kind == "inline" and paragraph is not None:
                self._inline(paragraph, token.children or [], _Inline(bold=int(strong_block)))
            elif kind in ("fence", "code_block"):
                self._code_block(token.content)
                item_starts = False

    def _list_item(self, current: _List) -> Paragraph:
        paragraph = self.document.add_paragraph(style=current.style)
        if current.style.startswith("List Number"):
            if current.number_id is None:
                current.number_id = self._restarted_numbering(current.style, current.start)
            number = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            number.get_or_add_ilvl().val = 0
            number.get_or_add_numId().val = current.number_id
        return paragraph

    def _restarted_numbering(self, style: str, start: int) -> int:
        """A new numbering for one list, as its style numbers but starting at `start`:
        else every numbered list in the document would carry on from the last one."""
        numbering = self.document.part.numbering_part.element
        style_number = self.document.styles[style].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_number).abstractNumId.val
        new = numbering.add_num(abstract)
        new.add_lvlOverride(ilvl=0).add_startOverride(start)
        return new.numId

    def _code_block(self, code: str) -> None:
        # One run: python-docx writes each line break in a run's text as a w:br.
        run = self.document.add_paragraph().add_run(xml_safe(code.rstrip("\n")))
        run.font.name, run.font.size = CODE_FONT, Pt(9)

    def _inline(self, paragraph: Paragraph, children: list[Token], state: _Inline) -> None:
        for token in children:
            kind = token.type
            if kind in ("text", "html_inline"):
                self._run(paragraph, token.content, state)
            elif kind == "code_inline":
                run = self._run(paragraph, token.content, state)
                run.font.name = CODE_FONT
                run.font.highlight_color = WD_COLOR_INDEX.GRAY_25
            elif kind in ("softbreak", "hardbreak"):  # the app shows a note's line breaks
                self._run(paragraph, "", state).add_break()
            elif kind in ("strong_open", "strong_close"):
                state.bold += 1 if kind == "strong_open" else -1
            elif kind in ("em_open", "em_close"):
                state.italic = kind == "em_open"
            elif kind in ("s_open", "s_close"):
                state.strike = kind == "s_open"
            elif kind == "link_open":
                self._open_link(paragraph, token.attrGet("href"), state)
            elif kind == "link_close":
                if state.links.pop():
                    state.link = None
            elif kind == "image":
                self._image(paragraph, token, state)

    def _open_link(self, paragraph: Paragraph, url, state: _Inline) -> None:
        keep = linkable(url) and state.link is None
        state.links.append(keep)
        if keep:
            state.link = _hyperlink(paragraph, url.strip())

    def _image(self, paragraph: Paragraph, image: Token, state: _Inline) -> None:
        """A link to the image, named by its alt text or its address, as the app shows it."""
        source = image.attrGet("src")
        label = "".join(child.content for child in image.children or []) or str(source or "")
        if state.link is None and linkable(source):
            state.link = _hyperlink(paragraph, source.strip())
            self._run(paragraph, label, state)
            state.link = None
        else:
            self._run(paragraph, label, state)

    def _run(self, paragraph: Paragraph, text: str, state: _Inline):
        run = paragraph.add_run(xml_safe(text))
        run.bold, run.italic = state.bold > 0 or None, state.italic or None
        if state.strike:
            run.font.strike = True
        if state.link is not None:
            run.font.underline, run.font.color.rgb = True, LINK_COLOUR
            state.link.append(run._r)  # moved from the paragraph into the hyperlink
        return run


def _level_style(style: str, level: int) -> str:
    level = min(level, _DEEPEST_LIST)
    return style if level == 1 else f"{style} {level}"


def add_links(paragraph: Paragraph, links: list[tuple[str, str]], separator: str, size) -> None:
    """Hyperlinks (label, address) in a paragraph, in small type, separated."""
    for index, (label, url) in enumerate(links):
        if index:
            paragraph.add_run(separator).font.size = size
        link = _hyperlink(paragraph, url)
        run = paragraph.add_run(xml_safe(label))
        run.font.size, run.font.underline, run.font.color.rgb = size, True, LINK_COLOUR
        link.append(run._r)  # moved from the paragraph into the hyperlink


def _hyperlink(paragraph: Paragraph, url: str):
    """A w:hyperlink at the paragraph's end, to an external relationship holding url."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    paragraph._p.append(link)
    return link
