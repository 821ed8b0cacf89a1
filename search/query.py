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
from annotations.notes import note_as_text
from annotations.permissions import Viewer
from archive.models import Article, Section
from search import facets, limits, syntax
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
    # What the page shows for each filter chosen (by name): see filter_labels.
    filter_labels: dict[str, str] = field(default_factory=dict)

    @property
    def chips(self) -> list[tuple[str, str, str]]:
        """Each filter chosen, as (name, value, label)."""
        return [
            (name, value, self.filter_labels.get(name, value))
            for name, value in self.request.filters.items()
        ]

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
            filters={facets.filtered_field(name, v): v for name, v in request.filters.items()},
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
    outcome.facets = _facets(answer.facets, request, viewer)
    outcome.filter_labels = filter_labels(outcome, viewer)
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
    """The note where it matches, else the quote where it does, else the note's opening:
    the note's words, not its Markdown."""
    note = note_as_text(annotation.note)
    for text in (note, annotation.quote):
        snippet = highlighter.snippet(text)
        if "<mark>" in snippet:
            return snippet
    return highlighter.snippet(note or annotation.quote)


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


def _facets(counts: dict, request: SearchRequest, viewer: Viewer) -> dict[str, list[FacetBucket]]:
    buckets_of = {}
    for facet in FACETS:
        name = facet.name
        pairs = [(str(value), n) for value, n in counts.get(facet.counted, ()) if n]
        selected = request.filters.get(name)
        pairs, other = _limit(pairs, request.facet_limit, selected, facet.labelled)
        known = {}
        if facet.labelled:
            # A value "value<separator>label" carries its label; only the values kept
            # are split.
            split = [(value.split(LABEL_SEPARATOR, 1), n) for value, n in pairs]
            known = {parts[0]: parts[1] for parts, _ in split if len(parts) == 2}
            pairs = [(parts[0], n) for parts, n in split]
        unknown = [value for value, _ in pairs if value not in known]
        known.update(labels(name, unknown, viewer))
        buckets = [FacetBucket(v, known.get(v, v), n, v == selected) for v, n in pairs]
        buckets_of[name] = sorted(buckets, key=_bucket_order(name))
        if other:
            buckets_of[name].append(FacetBucket(OTHER, f"{other[0]} more", other[1]))
    return buckets_of


def _limit(
    pairs: list, limit: int, selected: str | None, labelled: bool = False
) -> tuple[list, tuple[int, int] | None]:
    """The `limit` largest buckets (and the selected one, its label after it where values
    carry one); the rest are folded into one, as (how many values, how many passages),
    so that the counts still add up. The label separator sorts before any character of
    a value, so ranking a labelled value ranks by its value."""
    if not limit or len(pairs) <= limit:
        return pairs, None
    ranked = sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
    kept, rest = ranked[:limit], ranked[limit:]
    if selected:
        labelled_as = f"{selected}{LABEL_SEPARATOR}"
        chosen = [
            pair
            for pair in rest
            if pair[0] == selected or (labelled and pair[0].startswith(labelled_as))
        ]
        kept += chosen
        rest = [pair for pair in rest if pair not in chosen]
    return kept, (len(rest), sum(n for _, n in rest)) if rest else None


def labels(name: str, values: list[str], viewer: Viewer) -> dict[str, str]:
    """What the pages show for these values of a facet, where the index does not say:
    facet buckets and the chips of the filters chosen are labelled here alike. A value
    without a label (a tag the viewer may not see, say) is shown as it is."""
    facet = BY_NAME[name]
    found = {NONE: facet.none_label} if NONE in values and facet.none_label else {}
    rest = [value for value in values if value != NONE]
    if not rest:
        return found
    if name == "article":
        found.update(Article.objects.filter(slug__in=rest).values_list("slug", "title"))
    elif name == "section":
        found.update(_section_labels(rest))
    elif name == "tag":
        found.update(_tag_labels(rest, viewer))
    return found


def _tag_labels(slugs: list[str], viewer: Viewer) -> dict[str, str]:
    """Each slug's name in the namespaces the viewer may see, their own first (as on the
    tag pages): never the spelling of a tag of the same slug they may not see."""
    tags = viewer.carried_tags(Tag.objects.filter(slug__in=slugs)).only("slug", "name", "audience")
    own = viewer.own_audience
    found: dict[str, str] = {}
    for tag in sorted(tags, key=lambda t: (t.audience != own, t.pk)):
        found.setdefault(tag.slug, tag.name)
    return found


def _section_labels(values: list[str]) -> dict[str, str]:
    found = {v: facets.number_only_label(v) for v in values if facets.NUMBER_ONLY.fullmatch(v)}
    wanted = {}
    for value in values:
        if match := facets.SECTION_VALUE.fullmatch(value):
            wanted.setdefault(match["slug"], set()).add(int(match["number"]))
    if wanted:
        sections = Section.objects.filter(article__slug__in=wanted).select_related("article")
        for section in sections.filter(number__isnull=False):
            if section.number in wanted[section.article.slug]:
                value = facets.section_value(section.article.slug, section.number)
                found[value] = facets.section_label(
                    section.number, section.title, section.article.title
                )
    return found


def filter_labels(outcome: SearchOutcome, viewer: Viewer) -> dict[str, str]:
    """The label of each filter chosen: its facet bucket's, else looked up alike."""
    chosen = {}
    for name, value in outcome.request.filters.items():
        bucket = next((b for b in outcome.facets.get(name, ()) if b.selected), None)
        chosen[name] = bucket.label if bucket else labels(name, [value], viewer).get(value, value)
    return chosen


def _bucket_order(name: str):
    if name == "section":
        # By article, then by number.
        return lambda bucket: (bucket.value == NONE, *_section_order(bucket.value))
    if name == "year":
        return lambda bucket: (bucket.value == NONE, bucket.value.zfill(6))
    return lambda bucket: (-bucket.count, bucket.label.lower())


def _section_order(value: str) -> tuple[str, int]:
    article, _, number = value.rpartition(":")
    return article, int(number) if number.isdigit() else 0
