"""Find where an annotated passage went when its article's text changed.

Plain Python, no Django. Offsets count Unicode code points (Python string indexes), end
exclusive; a passage may span paragraphs, whose texts are joined by a blank line.

Tries, in order of confidence:
1. map the offsets through a diff of each paragraph's old and new text, and keep the
   result if it still reads as the quote;
2. search the new text for the exact quote, choosing between repeats by prefix and suffix,
   then by nearness to the old place;
3. the diff-mapped place again, if its text is close enough to the quote (an edit inside
   the passage);
4. a fuzzy search for the quote anywhere in the article.
A fuzzy result is accepted only at or above a minimum score, and is marked as fuzzy.
Anything else is orphaned: kept, flagged, and never moved to a lookalike.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from enum import StrEnum

from rapidfuzz import fuzz

PARAGRAPH_JOINER = "\n\n"
CONTEXT_CHARS = 32
MIN_FUZZY_SCORE = 90.0


class Outcome(StrEnum):
    UNCHANGED = "unchanged"
    MOVED = "moved"
    FUZZY = "fuzzy"
    ORPHANED = "orphaned"


@dataclass(frozen=True)
class Position:
    paragraph: int  # paragraph id
    offset: int


@dataclass(frozen=True)
class Passage:
    start: Position
    end: Position


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    passage: Passage | None = None
    quote: str = ""
    prefix: str = ""
    suffix: str = ""


class ArticleText:
    """An article's paragraphs as one string, to find passages that cross paragraphs."""

    def __init__(self, paragraphs: list[tuple[int, str]]):
        self.ids = [pk for pk, _ in paragraphs]
        self.texts = {pk: text for pk, text in paragraphs}
        self.index = {pk: i for i, pk in enumerate(self.ids)}
        self.starts = []
        position = 0
        for _, text in paragraphs:
            self.starts.append(position)
            position += len(text) + len(PARAGRAPH_JOINER)
        self.text = PARAGRAPH_JOINER.join(text for _, text in paragraphs)

    def __contains__(self, paragraph: int) -> bool:
        return paragraph in self.texts

    def offset_of(self, position: Position) -> int:
        return self.starts[self.index[position.paragraph]] + position.offset

    def position_at(self, offset: int, *, end: bool) -> Position:
        """The paragraph position of an offset in the joined text.

        An offset in a joiner belongs to the paragraph after it for a start, and to the
        one before it for an end, so a passage never begins or ends on a blank line.
        """
        index = max(bisect_right(self.starts, offset) - 1, 0)
        paragraph = self.ids[index]
        local = offset - self.starts[index]
        length = len(self.texts[paragraph])
        if local > length:  # inside the joiner after this paragraph
            if end:
                return Position(paragraph, length)
            if index + 1 < len(self.ids):
                return Position(self.ids[index + 1], 0)
            return Position(paragraph, length)
        return Position(paragraph, local)

    def is_valid(self, passage: Passage) -> bool:
        start, end = passage.start, passage.end
        if start.paragraph not in self or end.paragraph not in self:
            return False
        if not 0 <= start.offset <= len(self.texts[start.paragraph]):
            return False
        if not 0 <= end.offset <= len(self.texts[end.paragraph]):
            return False
        return self.offset_of(start) < self.offset_of(end)

    def quote(self, passage: Passage) -> str:
        return self.text[self.offset_of(passage.start) : self.offset_of(passage.end)]

    def context(self, passage: Passage) -> tuple[str, str]:
        """Up to CONTEXT_CHARS before the start and after the end, within those paragraphs."""
        start_text = self.texts[passage.start.paragraph]
        end_text = self.texts[passage.end.paragraph]
        prefix = start_text[max(passage.start.offset - CONTEXT_CHARS, 0) : passage.start.offset]
        suffix = end_text[passage.end.offset : passage.end.offset + CONTEXT_CHARS]
        return prefix, suffix


def reanchor(
    old: ArticleText,
    new: ArticleText,
    passage: Passage,
    quote: str,
    prefix: str = "",
    suffix: str = "",
    min_fuzzy_score: float = MIN_FUZZY_SCORE,
) -> Result:
    """Where the passage (placed in the old text) now is in the new text."""
    mapped = _map_through_diff(old, new, passage)
    near = old.offset_of(passage.start) / max(len(old.text), 1) if old.is_valid(passage) else None
    result = locate(new, quote, prefix, suffix, mapped, near, min_fuzzy_score)
    if result.outcome is Outcome.MOVED and result.passage == passage:
        return replace(result, outcome=Outcome.UNCHANGED)
    return result


def locate(
    text: ArticleText,
    quote: str,
    prefix: str = "",
    suffix: str = "",
    hint: Passage | None = None,
    near: float | None = None,
    min_fuzzy_score: float = MIN_FUZZY_SCORE,
) -> Result:
    """Where a quote is in a text: at the hinted passage if it reads so; else where it
    reads so, repeats told apart by context and then by nearness to `near` (a share of
    the text's length); else the hint or any passage close enough to it; else nowhere."""
    hint = hint if hint is not None and text.is_valid(hint) else None
    if hint is not None and text.quote(hint) == quote:
        return _result(text, Outcome.MOVED, hint)
    found = _find_exact(text, quote, prefix, suffix, near)
    if found is not None:
        return _result(text, Outcome.MOVED, found)
    if hint is not None and fuzz.ratio(quote, text.quote(hint)) >= min_fuzzy_score:
        return _result(text, Outcome.FUZZY, hint)
    fuzzy = _find_fuzzy(text, quote, min_fuzzy_score)
    if fuzzy is not None:
        return _result(text, Outcome.FUZZY, fuzzy)
    return Result(Outcome.ORPHANED)


def _result(text: ArticleText, outcome: Outcome, passage: Passage) -> Result:
    prefix, suffix = text.context(passage)
    return Result(outcome, passage, text.quote(passage), prefix, suffix)


def _map_through_diff(old: ArticleText, new: ArticleText, passage: Passage) -> Passage | None:
    start = _map_position(old, new, passage.start, end=False)
    end = _map_position(old, new, passage.end, end=True)
    if start is None or end is None:
        return None
    mapped = Passage(start, end)
    return mapped if new.is_valid(mapped) else None


def _map_position(old: ArticleText, new: ArticleText, position: Position, *, end: bool):
    if position.paragraph not in old or position.paragraph not in new:
        return None
    before, after = old.texts[position.paragraph], new.texts[position.paragraph]
    if before == after:
        return position
    offset = map_offset(before, after, position.offset, end=end)
    return None if offset is None else Position(position.paragraph, offset)


def map_offset(before: str, after: str, offset: int, *, end: bool) -> int | None:
    """The offset in `after` of the character at `offset` in `before`, if it survived.

    A start maps through the unchanged run holding the character at the offset; an end
    (exclusive) through the run holding the character before it.
    """
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag != "equal":
            continue
        inside = i1 < offset <= i2 if end else i1 <= offset < i2
        if inside:
            return j1 + offset - i1
    if not end and offset == len(before) == 0:
        return 0
    return None


def _find_exact(
    new: ArticleText, quote: str, prefix: str, suffix: str, near: float | None
) -> Passage | None:
    if not quote:
        return None
    candidates = []
    at = new.text.find(quote)
    while at != -1:
        passage = Passage(
            new.position_at(at, end=False), new.position_at(at + len(quote), end=True)
        )
        if new.is_valid(passage) and new.quote(passage) == quote:
            candidates.append((at, passage))
        at = new.text.find(quote, at + 1)
    if not candidates:
        return None

    def rank(candidate):
        at, passage = candidate
        found_prefix, found_suffix = new.context(passage)
        context = _similarity(prefix, found_prefix) + _similarity(suffix, found_suffix)
        # The same context twice: prefer the place nearest where it was, in proportion.
        distance = 0.0 if near is None else abs(at / max(len(new.text), 1) - near)
        return (-context, distance)

    return min(candidates, key=rank)[1]


def _refine(text: str, quote: str, start: int, end: int) -> tuple[int, int]:
    """Widen or narrow an alignment's ends a little to best fit the quote.

    partial_ratio aligns a window as long as the quote, so a passage that grew or shrank
    by an edit would otherwise lose or gain characters at its ends.
    """
    reach = min(max(3, len(quote) // 10), 20)

    def score(bounds: tuple[int, int]) -> tuple[float, int]:
        low, high = bounds
        return (fuzz.ratio(quote, text[low:high]), -abs((high - low) - len(quote)))

    spans = [
        (low, high)
        for low in range(max(start - reach, 0), start + reach + 1)
        for high in range(max(end - reach, low + 1), min(end + reach, len(text)) + 1)
    ]
    return max(spans, key=score, default=(start, end))


def _similarity(expected: str, found: str) -> float:
    if not expected and not found:
        return 100.0
    return fuzz.ratio(expected, found)


def _find_fuzzy(new: ArticleText, quote: str, min_score: float) -> Passage | None:
    if not quote.strip() or not new.text:
        return None
    alignment = fuzz.partial_ratio_alignment(quote, new.text, score_cutoff=min_score)
    if alignment is None or alignment.score < min_score:
        return None
    start, end = _refine(new.text, quote, alignment.dest_start, alignment.dest_end)
    # Do not begin or end on the blank line between paragraphs.
    while start < end and new.text[start] in "\n":
        start += 1
    while end > start and new.text[end - 1] in "\n":
        end -= 1
    if start >= end:
        return None
    passage = Passage(new.position_at(start, end=False), new.position_at(end, end=True))
    return passage if new.is_valid(passage) else None
