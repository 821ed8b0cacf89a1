from django.dispatch import receiver

from annotations.reanchor import reanchor_article
from archive.signals import paragraphs_rewritten


@receiver(paragraphs_rewritten)
def follow_the_text(sender, article, old, new, **kwargs):
    """Move the article's annotations with its text, and say what could not follow."""
    return reanchor_article(article.pk, old, new)
