from django.dispatch import Signal

# Sent after the transaction that created or changed articles commits, with ids=[pk, ...]:
# the search index listens, so ingest needs no knowledge of it.
articles_ingested = Signal()
