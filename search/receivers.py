"""Keep the search index in step with the archive, through search.indexing only."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from archive import signals as archive_signals
from archive.models import Article, Paragraph, Section
from search import indexing

# While an ingest runs, flush once this many articles are waiting, not after every file.
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
