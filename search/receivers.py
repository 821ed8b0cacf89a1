"""Keep the search index in step with the database, through search.indexing only."""

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver

from annotations.models import Annotation, Tag, TaggedAnnotation
from archive import signals as archive_signals
from archive.models import Article, Paragraph, Section
from search import indexing

Kind = indexing.Kind
# While an ingest runs, flush once this many articles are waiting, not after every file.
# Each flush leaves a segment that every search then visits: at 100, 1,000 articles left
# 11 segments and search ran 1.77x bare Whoosh; at 500 they leave 2 and it runs 1.39x.
INGEST_FLUSH_ARTICLES = 500


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def article_changed(sender, instance: Article, **kwargs) -> None:
    indexing.enqueue_articles([instance.pk])


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
@receiver(post_save, sender=Paragraph)
@receiver(post_delete, sender=Paragraph)
def part_changed(sender, instance, **kwargs) -> None:
    indexing.enqueue_articles([instance.article_id])


@receiver(archive_signals.ingest_started)
def ingest_started(sender, **kwargs) -> None:
    indexing.begin_deferral()


@receiver(archive_signals.ingest_finished)
def ingest_finished(sender, **kwargs) -> None:
    indexing.end_deferral()


@receiver(archive_signals.articles_ingested)
def articles_ingested(sender, ids, **kwargs) -> None:
    if indexing.pending_count() >= INGEST_FLUSH_ARTICLES:
        indexing.flush()


# An annotation's tags are part of the paragraphs it covers, so a change re-indexes the
# paragraphs it covered before and after, as well as the annotation itself.


@receiver(post_init, sender=Annotation)
def remember_span(sender, instance: Annotation, **kwargs) -> None:
    instance._indexed_span = (instance.start_paragraph_id, instance.end_paragraph_id)


def annotation_changed(annotation: Annotation, tags_changed: bool = False) -> None:
    """Re-index the annotation, and the paragraphs it covered before and after if their tag
    tokens may change: an untagged note leaves the paragraphs' documents (and so every
    paragraph's score) exactly as they were."""
    if tags_changed or TaggedAnnotation.objects.filter(content_object_id=annotation.pk).exists():
        spans = {getattr(annotation, "_indexed_span", (None, None))}
        spans.add((annotation.start_paragraph_id, annotation.end_paragraph_id))
        paragraphs = set()
        for start, end in spans:
            paragraphs.update(spanned_paragraphs(start, end))
        indexing.enqueue(Kind.PARAGRAPH, paragraphs)
    indexing.enqueue(Kind.ANNOTATION, [annotation.pk])
    annotation._indexed_span = (annotation.start_paragraph_id, annotation.end_paragraph_id)


def spanned_paragraphs(start_id: int | None, end_id: int | None) -> list[int]:
    if start_id is None or end_id is None:
        return []
    ends = dict(Paragraph.objects.filter(pk__in=[start_id, end_id]).values_list("pk", "position"))
    if len(ends) < len({start_id, end_id}):
        return list(ends)
    article_id = Paragraph.objects.filter(pk=start_id).values_list("article_id", flat=True)
    return list(
        Paragraph.objects.filter(
            article_id__in=article_id, position__range=(ends[start_id], ends[end_id])
        ).values_list("pk", flat=True)
    )


@receiver(post_save, sender=Annotation)
@receiver(post_delete, sender=Annotation)
def annotation_saved(sender, instance: Annotation, **kwargs) -> None:
    annotation_changed(instance)


@receiver(m2m_changed, sender=TaggedAnnotation)
def annotation_tags_changed(sender, instance, action: str, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_") or (action != "post_clear" and not pk_set):
        return  # taggit announces adding and removing nothing, too
    if isinstance(instance, Annotation):
        annotation_changed(instance, tags_changed=True)
    else:  # a tag's annotations changed, from the tag's side
        for annotation in Annotation.objects.filter(pk__in=pk_set or ()):
            annotation_changed(annotation, tags_changed=True)


@receiver(post_delete, sender=TaggedAnnotation)
def tagging_deleted(sender, instance: TaggedAnnotation, **kwargs) -> None:
    # A tag deleted in the admin takes its taggings with it, without an m2m signal.
    annotation = Annotation.objects.filter(pk=instance.content_object_id).first()
    if annotation is not None:
        annotation_changed(annotation, tags_changed=True)


@receiver(post_save, sender=Tag)
def tag_renamed(sender, instance: Tag, created: bool, **kwargs) -> None:
    if not created:
        for annotation in Annotation.objects.filter(tags=instance):
            annotation_changed(annotation)
