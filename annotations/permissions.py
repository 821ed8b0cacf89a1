"""Who sees what: the one place that decides, for a viewer, which annotations and tags
may be seen, listed, counted, found, exported, edited or deleted.

Every annotation is written for one audience: `shared` (every signed-in reader; the
Public group once groups come) or `user:<id>` (its owner alone). A viewer holds a set of
audiences, and sees an annotation exactly when its audience is in that set. The database
filters on the audience stored with each annotation, and the search index stores the same
token with each note and each tag it carries, so every page, API, search, facet, count,
suggestion and export asks the same question in the same words. A group will add
`group:<id>` to its members' audiences and to what it may edit, here and nowhere else.

Tags are namespaced by the same audiences (annotations.tagging): an annotation carries only
tags of its own audience, and a tag's description is its tag's. A tag exists, for a
viewer, only through the annotations they may see: a tag carried only by annotations they
may not see behaves everywhere as a tag that does not exist, down to the name and slug a
tag they make themselves gets.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat

SHARED = "shared"


def user_audience(user_id: int) -> str:
    return f"user:{user_id}"


def audience_of(visibility: str, owner_id: int) -> str:
    """The audience an annotation with this visibility and owner is written for."""
    return SHARED if visibility == SHARED else user_audience(owner_id)


def audience_expression() -> Case:
    """audience_of, as the database computes it for the annotation's audience column, so
    that no write (bulk ones included) can leave it out of step."""
    return Case(
        When(visibility=SHARED, then=Value(SHARED)),
        default=Concat(Value("user:"), Cast("owner_id", output_field=CharField())),
        output_field=CharField(max_length=64),
    )


def may_administer(user) -> bool:
    """The admin shows every annotation, private ones included: it is the operator's tool,
    for superusers alone. Staff moderate through the app, which shows them what Viewer
    lets them see."""
    return bool(user is not None and user.is_active and user.is_superuser)


@dataclass(frozen=True)
class Viewer:
    """Someone looking at annotations: a signed-in user, an anonymous visitor, or the
    server's operator on the command line (who holds the database anyway)."""

    user_id: int | None = None
    is_staff: bool = False
    audiences: frozenset[str] = frozenset()
    sees_everything: bool = False

    @classmethod
    def of(cls, user) -> Viewer:
        if user is None or not user.is_authenticated:
            return cls.anonymous()
        return cls(
            user_id=user.pk,
            is_staff=user.is_staff,
            audiences=frozenset({SHARED, user_audience(user.pk)}),
        )

    @classmethod
    def anonymous(cls) -> Viewer:
        shared = settings.COMMONPLACE_ANONYMOUS_READS_SHARED
        return cls(audiences=frozenset({SHARED}) if shared else frozenset())

    @classmethod
    def operator(cls) -> Viewer:
        """Whoever runs the server, exporting a complete backup from the command line."""
        return cls(sees_everything=True)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    @property
    def own_audience(self) -> str | None:
        return user_audience(self.user_id) if self.signed_in else None

    @property
    def sees_nothing(self) -> bool:
        """Whether no annotation at all is visible to this viewer (an anonymous visitor,
        unless ANONYMOUS_READS_SHARED), whatever is written."""
        return not self.sees_everything and not self.audiences

    # Annotations -------------------------------------------------------------------------

    def readable(self, annotations: QuerySet) -> QuerySet:
        """The annotations this viewer may see: read, list, count, find and export."""
        if not self.sees_everything and not self.audiences:
            return annotations.none()
        return annotations.filter(self._readable_through())

    def _readable_through(self, path: str = "") -> Q:
        """readable()'s condition on annotations reached through `path` (a join), which
        the database plans far better than an IN over every readable annotation."""
        if self.sees_everything:
            return Q()
        return Q(**{f"{path}audience__in": sorted(self.audiences)})

    def may_read(self, annotation) -> bool:
        # From the instance's own fields, which are current even where the stored
        # audience column has not been read back since a change.
        audience = audience_of(annotation.visibility, annotation.owner_id)
        return self.sees_everything or audience in self.audiences

    def may_annotate(self) -> bool:
        return self.signed_in

    def may_edit(self, annotation) -> bool:
        """Its owner, or staff, may change or delete an annotation they may see."""
        if not self.signed_in or not self.may_read(annotation):
            return False
        return annotation.owner_id == self.user_id or self.is_staff

    def editable(self, annotations: QuerySet) -> QuerySet:
        if not self.signed_in:
            return annotations.none()
        if self.is_staff:
            return self.readable(annotations)
        return self.readable(annotations).filter(owner_id=self.user_id)

    def is_own(self, annotation) -> bool:
        return self.signed_in and annotation.owner_id == self.user_id

    # Tags ----------------------------------------------------------------------------------
    # Each audience has its own tags (annotations.tagging): an annotation carries only tags
    # of its own audience. A viewer sees a tag of an audience they hold that an annotation
    # they may see carries; their own audience's tags are theirs alone, carried or not.

    def _carried(self):
        from annotations.models import TaggedAnnotation

        carrying = TaggedAnnotation.objects.filter(
            self._readable_through("content_object__"), tag=OuterRef("pk")
        )
        return Exists(carrying)

    def _namespaces(self, tags: QuerySet) -> QuerySet:
        if self.sees_everything:
            return tags
        return tags.filter(audience__in=sorted(self.audiences))

    def tags(self, tags: QuerySet) -> QuerySet:
        """Tags carried by an annotation this viewer may see, each with `count`: how many
        of those annotations carry it.

        A tag is carried only by annotations of its own audience (annotations.tagging),
        so every annotation carrying a tag of an audience the viewer holds is one they may
        see: each tag's count is its taggings, counted through their index, where a join
        to every readable annotation cost 130 ms with 100,000 of them."""
        from annotations.models import TaggedAnnotation

        taggings = TaggedAnnotation.objects.filter(tag=OuterRef("pk")).order_by()
        counting = taggings.values("tag").annotate(carrying=Count("*")).values("carrying")
        counted = Coalesce(Subquery(counting, output_field=IntegerField()), 0)
        return self._namespaces(tags).filter(Exists(taggings)).annotate(count=counted)

    def carried_tags(self, tags: QuerySet) -> QuerySet:
        """Tags carried by an annotation this viewer may see, uncounted: to name what the
        index already counted (a search's tag facet), an EXISTS for each tag instead of a
        count over every annotation carrying it."""
        return self._namespaces(tags).filter(self._carried())

    def tag_family(self, tags: QuerySet, slug: str) -> list:
        """The tags behind the page of this slug for this viewer, the one to name it by
        first (their own); [] exactly as if no tag had that slug when none of them is
        carried by an annotation they may see."""
        own = self.own_audience
        found = self._namespaces(tags).filter(slug=slug).annotate(carried=self._carried())
        family = [tag for tag in found if tag.carried or tag.audience == own]
        family.sort(key=lambda tag: (not tag.carried, tag.audience != own, tag.pk))
        return family if family and family[0].carried else []

    def tag_named(self, tags: QuerySet, value: str):
        """A visible tag given by slug or by name (any case), or None."""
        matching = self._namespaces(tags).filter(Q(slug=value) | Q(name__iexact=value))
        return matching.filter(self._carried()).order_by("pk").first()

    def described_tags(self, tags: QuerySet) -> QuerySet:
        """The tags whose description this viewer may read: those they may see, and their
        own audience's."""
        if self.sees_everything:
            return tags
        return self._namespaces(tags).filter(self._carried() | Q(audience=self.own_audience))

    def description_audiences(self, family: list) -> list[str]:
        """The audiences whose description of this (visible) tag family the viewer may
        write: their own always; the shared one, where the shared tag is in the family,
        if they share an annotation carrying it, or are staff."""
        if not self.signed_in:
            return []
        audiences = [self.own_audience]
        shared = next((tag for tag in family if tag.audience == SHARED), None)
        if shared is not None:
            shares_it = shared.tagged_annotations.filter(
                content_object__owner_id=self.user_id, content_object__audience=SHARED
            ).exists()
            if self.is_staff or shares_it:
                audiences.append(SHARED)
        return audiences


def is_personal(audience: str) -> bool:
    """An audience of one: nobody but its user ever reads what it holds."""
    return audience.startswith("user:")
