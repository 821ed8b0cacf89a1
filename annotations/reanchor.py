"""Move annotations with their article's text when ingest changes it; never silently."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import pluralize

from annotations.anchoring import ArticleText, Outcome, reanchor
from annotations.changes import Outbox, annotations_changed
from annotations.models import Annotation


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        """One line for the ingest report, or "" when no annotation had to move."""
        moved, fuzzy, orphaned = (
            self.counts[Outcome.MOVED],
            self.counts[Outcome.FUZZY],
            self.counts[Outcome.ORPHANED],
        )
        if not (moved or fuzzy or orphaned):
            return ""
        parts = [f"{moved} annotation{pluralize(moved)} moved with the text"]
        if fuzzy:
            parts.append(f"{fuzzy} re-anchored to changed text (marked for checking)")
        if orphaned:
            parts.append(f"{orphaned} orphaned, listed at /annotations/?orphaned=1")
        return "; ".join(parts)


def reanchor_article(
    article_id: int,
    old: list[tuple[int, str]],
    new: list[tuple[int, str]],
    changes: Outbox | None = None,
) -> Tally:
    """Re-place every anchored annotation of the article from its old text to its new one,
    recording what moved in `changes` (the outbox of whoever runs it; by default the
    application's)."""
    old_text, new_text = ArticleText(old), ArticleText(new)
    tally = Tally()
    moved = []
    annotations = Annotation.objects.filter(article_id=article_id).exclude(
        anchor=Annotation.Anchor.ORPHANED
    )
    # of=self: the default ordering outer-joins the start paragraph, which PostgreSQL
    # will not lock.
    for annotation in annotations.select_for_update(of=("self",)):
        passage = annotation.passage
        if passage is None:
            continue
        result = reanchor(
            old_text,
            new_text,
            passage,
            annotation.quote,
            annotation.prefix,
            annotation.suffix,
            settings.COMMONPLACE_MIN_FUZZY_SCORE,
        )
        tally.counts[result.outcome] += 1
        if result.outcome is Outcome.UNCHANGED:
            continue
        if result.outcome is Outcome.ORPHANED:
            annotation.orphan()
        else:
            annotation.place(result.passage, new_text)
            if result.outcome is Outcome.FUZZY:
                annotation.anchor = Annotation.Anchor.FUZZY
        # The reader did not change the annotation: keep its modified time.
        annotation.save(touch=False)
        moved.append(annotation)
    if moved:
        annotations_changed(moved, tags_moved=True, to=changes)
    return tally
