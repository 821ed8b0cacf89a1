from django.dispatch import Signal

# Let other apps (the search index) follow ingest without ingest knowing about them.
# ingest_started and ingest_finished bracket a run of ingest_files(); articles_ingested is
# sent after each file's transaction commits, with ids=[pk, ...] of the articles it changed.
ingest_started = Signal()
ingest_finished = Signal()
articles_ingested = Signal()
# Sent inside the transaction when ingest has rewritten an article's paragraphs, before
# it deletes the ones that are gone: article, old=[(id, text)], new=[(id, text)] in
# reading order. A receiver may return a report, whose str() ingest prints.
paragraphs_rewritten = Signal()
