"""Tagging: the one way a tag gets onto an annotation.

Every audience (annotations.permissions) has its own tags, and an annotation carries only
tags of its own audience: naming a tag looks only in that audience's namespace, so the
name, case and slug a reader gets back tell them nothing about anyone else's tags. When
an annotation changes audience (its visibility, or its owner), its tags follow it to the
same-named tags of its new audience (`follow_audience`).

A shared tag no annotation carries any longer does not exist for anyone: it is swept away
before its name or slug could be reused, so neither its spelling nor its description
comes back. A personal audience's tags stay (with their descriptions): only their user
ever reads them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Lower

from annotations.models import Annotation, Tag, TaggedAnnotation, remember_tags
from annotations.permissions import audience_of, is_personal
from annotations.slugs import tag_slug


class RenameRefused(Exception):
    """A rename that would change others' annotations; the message says why."""


def tag_in(audience: str, name: str) -> Tag:
    """The tag of this name (any case) in this audience's namespace, made if need be."""
    tag = _named(audience, name)
    if tag is not None and (is_personal(audience) or tag.carried):
        return tag
    _sweep(audience, name)
    try:
        with transaction.atomic():
            return Tag.objects.create(audience=audience, name=name)
    except IntegrityError:  # made meanwhile by someone else
        tag = _named(audience, name)
        if tag is None:
            raise
        return tag


def set_tags(annotation: Annotation, names: Iterable[str]) -> None:
    """Tag an annotation with these names, in its own audience, and with nothing else."""
    audience = audience_of(annotation.visibility, annotation.owner_id)
    carry(annotation, [tag_in(audience, name) for name in names])


def carry(annotation: Annotation, tags: Iterable[Tag]) -> None:
    """Exactly these tags on the annotation. Not taggit's `set`, which tells tags apart
    by name alone: the same name in another audience is another tag."""
    tags = list({tag.pk: tag for tag in tags}.values())
    wanted = {tag.pk for tag in tags}
    taggings = TaggedAnnotation.objects.filter(content_object=annotation)
    present = set(taggings.values_list("tag_id", flat=True))
    if present - wanted:
        taggings.exclude(tag_id__in=wanted).delete()
    TaggedAnnotation.objects.bulk_create(
        TaggedAnnotation(content_object=annotation, tag_id=pk) for pk in sorted(wanted - present)
    )
    remember_tags(annotation, tags)  # what was read of them is stale; these are current


def follow_audience(annotations: Iterable[Annotation]) -> list[Annotation]:
    """Move the tags of annotations whose audience changed to the same-named tags of their
    new audience; the annotations whose tags moved."""
    moved = []
    for annotation in annotations:
        audience = audience_of(annotation.visibility, annotation.owner_id)
        tags = list(annotation.tags.all())
        if all(tag.audience == audience for tag in tags):
            continue
        carry(
            annotation,
            [tag if tag.audience == audience else tag_in(audience, tag.name) for tag in tags],
        )
        moved.append(annotation)
    return moved


def rename(owner_id: int, slug: str, new_name: str) -> tuple[str, list[Annotation]]:
    """Rename the tag of this slug on its owner's annotations (each in its own audience),
    to a tag of the new name there: an existing one merges; otherwise a tag only they
    carry is renamed where it is, its description with it. (old name, annotations
    changed); ("", []) when none of their annotations carries it."""
    mine = Annotation.objects.filter(owner_id=owner_id, tags__slug=slug)
    mine = mine.select_for_update(of=("self",)).prefetch_related("tags")
    renamed: dict[int, Tag] = {}
    changed, old_name = [], ""
    for annotation in mine:
        old = next(tag for tag in annotation.tags.all() if tag.slug == slug)
        old_name = old_name or old.name
        if old.pk not in renamed:
            renamed[old.pk] = _renamed(old, new_name, owner_id)
        new = renamed[old.pk]
        if new.pk != old.pk:
            carry(annotation, [new if tag.pk == old.pk else tag for tag in annotation.tags.all()])
        annotation.save(update_fields=[])
        changed.append(annotation)
    return old_name, changed


def _renamed(old: Tag, new_name: str, owner_id: int) -> Tag:
    _sweep(old.audience, new_name)
    existing = _named(old.audience, new_name, excluding=old.pk)
    if existing is not None:
        return existing
    others = old.tagged_annotations.exclude(content_object__owner_id=owner_id).exists()
    if not others:
        old.name = new_name
        old.slug = old.free_slug()
        old.save(update_fields=["name", "slug"])
        return old
    if old.name.lower() == new_name.lower():
        raise RenameRefused(
            f"Others’ shared annotations carry “{old.name}” too: only a new name, not a "
            "new spelling of this one, can be given to yours alone."
        )
    return tag_in(old.audience, new_name)


def _named(audience: str, name: str, excluding: int | None = None) -> Tag | None:
    """The tag, with `carried`: whether an annotation carries it (asked in the same query:
    a save waits for each)."""
    # Folded by the database, as the uniqueness of names is.
    found = Tag.objects.alias(folded=Lower("name")).filter(
        audience=audience, folded=Lower(Value(name))
    )
    carried = Exists(TaggedAnnotation.objects.filter(tag=OuterRef("pk")))
    return found.exclude(pk=excluding).annotate(carried=carried).order_by("pk").first()


def _sweep(audience: str, name: str) -> None:
    """Delete the uncarried tags of a shared namespace that the name or slug of this name
    would meet."""
    if is_personal(audience):
        return
    carried = TaggedAnnotation.objects.filter(tag=OuterRef("pk"))
    meeting = Q(slug__startswith=tag_slug(name)) | Q(folded=Lower(Value(name)))
    Tag.objects.alias(folded=Lower("name")).filter(meeting, audience=audience).exclude(
        Exists(carried)
    ).delete()
