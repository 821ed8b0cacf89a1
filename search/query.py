"""Search the archive: one function behind the search page and /api/search.

It asks the configured backend one question, a SearchSpec, and turns its SearchAnswer
(search.spec) into what the page and the API show, so that another backend can take
Whoosh's place by configuration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString

from annotations.models import Annotation, Tag, tag_names_of
from annotations.permissions import Viewer
from archive.models import Section
from search import limits, syntax
from search.facets import BY_NAME, FACETS
from search.fields import LABEL_SEPARATOR, NONE, OTHER
from search.freshness import Corrections, corrections
from search.highlighting import Highlighter
from search.indexing import backend
from search.spec import ParagraphHit, SearchAnswer, SearchSpec

PAGE_SIZE = 20
# A facet lists this many values at most; the others are folded into one OTHER bucket.
FACET_LIMIT = 50
NOTES_SHOWN = 5
SORTS = {"relevance": (), "document": ("document_order", "position")}


class PageOutOfRange(Exception):
    def __init__(self, last_page: int):
        super().__init__(f"There is no such page; the last page is {last_page}.")
        self.last_page = last_page


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    page: int = 1
    sort: str = "relevance"
    filters: dict[str, str] = field(default_factory=dict)
    facet_limit: int = FACET_LIMIT

    @property
    def is_blank(self) -> bool:
        return not self.q.strip() and not self.filters

    def query_string(self, **changes) -> str:
        """This search's URL parameters, with some changed (None removes one)."""
        params = {"q": self.q, **self.filters}
        if self.sort != "relevance":
            params["sort"] = self.sort
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@dataclass(frozen=True)
class Hit:
    paragraph_id: int
    article_slug: str
    article_title: str
    section_number: int | None
    section_title: str | None
    position: int
    snippet: SafeString
    url: str
    score: float | None


@dataclass(frozen=True)
class FacetBucket:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class NoteHit:
    annotation: Annotation
    snippet: SafeString
    tags: list[str] = field(default_factory=list)


@dataclass
class SearchOutcome:
    request: SearchRequest
    count: int = 0
    page: int = 1
    num_pages: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetBucket]] = field(default_factory=dict)
    suggestion: str | None = None
    messages: list[str] = field(default_factory=list)
    notes: list[NoteHit] = field(default_factory=list)
    notes_count: int = 0

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1


@limits.one_search()
def search(request: SearchRequest, viewer: Viewer) -> SearchOutcome:
    """Paragraphs matching the request, with what the viewer may see of tags and notes."""
    outcome = SearchOutcome(request=request, page=request.page)
    parsed = syntax.parse(request.q.strip() or "*")
    outcome.messages.extend(parsed.notes)
    if parsed.is_empty:
        outcome.messages.append(_nothing_to_search(request.q))
        outcome.facets = {facet.name: [] for facet in FACETS}
        return outcome
    # Browsing without words has no relevance to rank by: keep the reading order.
    sort = request.sort if request.q.strip() else "document"
    answer = backend().answer(
        SearchSpec(
            query=parsed,
            viewer=viewer,
            filters={BY_NAME[name].filtered: v for name, v in request.filters.items()},
            facets=tuple(facet.counted for facet in FACETS),
            sort=SORTS[sort],
            start=(request.page - 1) * PAGE_SIZE,
            size=PAGE_SIZE,
            suggest=bool(request.q.strip()),
            notes=NOTES_SHOWN if request.q.strip() and request.page == 1 else 0,
            corrections=corrections(),  # read before the backend opens its searcher
        )
    )
    outcome.count = answer.count
    outcome.num_pages = math.ceil(outcome.count / PAGE_SIZE)
    if outcome.count and request.page > outcome.num_pages:
        raise PageOutOfRange(outcome.num_pages)
    outcome.hits = [_hit(hit, request) for hit in answer.hits]
    outcome.facets = _facets(answer.facets, request, outcome.count, viewer)
    outcome.suggestion = answer.suggestion
    outcome.notes = _note_hits(list(answer.notes), parsed, viewer)
    outcome.notes_count = answer.notes_count
    outcome.messages.extend(answer.messages)
    return outcome


@limits.one_search()
def search_notes(
    text: str, viewer: Viewer, limit: int, fixes: Corrections | None = None
) -> tuple[list[NoteHit], int]:
    """Annotations whose note, quote or tags match, among those the viewer may see."""
    parsed = syntax.parse(text)
    spec = SearchSpec(
        query=parsed,
        viewer=viewer,
        size=0,
        suggest=False,
        notes=limit,
        corrections=corrections() if fixes is None else fixes,
    )
    answer: SearchAnswer = backend().answer(spec)
    return _note_hits(list(answer.notes), parsed, viewer), answer.notes_count


def _note_hits(ids: list[int], parsed: syntax.ParsedQuery, viewer: Viewer) -> list[NoteHit]:
    """The annotations found, in the order found, with snippets of what matched."""
    if not ids:
        return []
    # The database has the last word on what a viewer may see.
    found = viewer.readable(Annotation.objects.filter(pk__in=ids))
    visible = {a.pk: a for a in found.order_by().select_related("owner", "article")}
    tags = tag_names_of(visible)
    highlighter = Highlighter(parsed.tree)
    return [
        NoteHit(visible[pk], _note_snippet(visible[pk], highlighter), tags.get(pk, []))
        for pk in ids
        if pk in visible
    ]


def _note_snippet(annotation: Annotation, highlighter: Highlighter) -> SafeString:
    """The note where it matches, else the quote where it does, else the note's opening."""
    for text in (annotation.note, annotation.quote):
        snippet = highlighter.snippet(text)
        if "<mark>" in snippet:
            return snippet
    return highlighter.snippet(annotation.note or annotation.quote)


def _nothing_to_search(q: str) -> str:
    return (
        f"There is nothing to search for in “{q.strip()}”. Search for words; "
        "join them with OR, put exact phrases in quotation marks, and use NOT or -word "
        "only to leave words out."
    )


def _hit(hit: ParagraphHit, request: SearchRequest) -> Hit:
    url = reverse("archive:article", kwargs={"slug": hit.article_slug})
    if request.q.strip():
        url += "?" + urlencode({"q": request.q.strip()})
    return Hit(
        paragraph_id=hit.paragraph_id,
        article_slug=hit.article_slug,
        article_title=hit.article_title,
        section_number=hit.section_number,
        section_title=hit.section_title,
        position=hit.position,
        snippet=SafeString(hit.snippet),
        url=f"{url}#p-{hit.paragraph_id}",
        score=hit.score,
    )


def _facets(
    counts: dict, request: SearchRequest, total: int, viewer: Viewer
) -> dict[str, list[FacetBucket]]:
    facets = {}
    for facet in FACETS:
        name = facet.name
        pairs = [(str(value), n) for value, n in counts.get(facet.counted, ()) if n]
        selected = request.filters.get(name)
        # An article value is "slug<separator>title": the label travels with the value.
        # The separator sorts before any character of a slug, so ranking the whole value
        # ranks by slug; only the values kept are split.
        key = f"{selected}{LABEL_SEPARATOR}" if name == "article" and selected else selected
        pairs, other = _limit(pairs, request.facet_limit, key, prefix=name == "article")
        if name == "article":
            split = [(value.split(LABEL_SEPARATOR, 1), n) for value, n in pairs]
            labels = {value: label for (value, label), _ in split}
            pairs = [(value, n) for (value, _), n in split]
        else:
            labels = _labels(name, [value for value, _ in pairs], request, viewer)
        buckets = [FacetBucket(v, labels.get(v, v), n, v == selected) for v, n in pairs]
        facets[name] = sorted(buckets, key=_bucket_order(name))
        if other:
            facets[name].append(FacetBucket(OTHER, f"{other[0]} more", other[1]))
    return facets


def _limit(
    pairs: list, limit: int, selected: str | None, prefix: bool = False
) -> tuple[list, tuple[int, int] | None]:
    """The `limit` largest buckets (and the selected one: the value, or with prefix the
    value that starts with it); the rest are folded into one, as (how many values, how
    many passages), so that the counts still add up."""
    if not limit or len(pairs) <= limit:
        return pairs, None
    ranked = sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
    kept, rest = ranked[:limit], ranked[limit:]
    if selected:
        chosen = [
            pair
            for pair in rest
            if (pair[0].startswith(selected) if prefix else pair[0] == selected)
        ]
        kept += chosen
        rest = [pair for pair in rest if pair not in chosen]
    return kept, (len(rest), sum(n for _, n in rest)) if rest else None


def _labels(name: str, values: list[str], request: SearchRequest, viewer: Viewer) -> dict[str, str]:
    none_label = BY_NAME[name].none_label
    labels = {value: none_label for value in values if value == NONE and none_label}
    if name == "section":
        labels.update(_section_labels(values, request.filters.get("article")))
    elif name == "tag" and any(value != NONE for value in values):
        labels.update(_tag_labels(values, viewer))
    return labels


def _tag_labels(slugs: list[str], viewer: Viewer) -> dict[str, str]:
    """Each slug's name in the namespaces the viewer may see, their own first (as on the
    tag pages): never the spelling of a tag of the same slug they may not see."""
    tags = viewer.tags(Tag.objects.filter(slug__in=slugs))
    own = viewer.own_audience
    labels: dict[str, str] = {}
    for tag in sorted(tags, key=lambda t: (t.audience != own, t.pk)):
        labels.setdefault(tag.slug, tag.name)
    return labels


def _section_labels(values: list[str], article_slug: str | None) -> dict[str, str]:
    numbers = [int(value) for value in values if value.isdigit()]
    labels = {str(number): f"Section {number}" for number in numbers}
    if article_slug:
        # Within one article a section number names one section: show its title.
        titled = Section.objects.filter(article__slug=article_slug, number__in=numbers)
        labels.update((str(s.number), f"{s.number}. {s.title}") for s in titled)
    return labels


def _bucket_order(name: str):
    if name in ("section", "year"):
        return lambda bucket: (bucket.value == NONE, bucket.value.zfill(6))
    return lambda bucket: (-bucket.count, bucket.label.lower())
