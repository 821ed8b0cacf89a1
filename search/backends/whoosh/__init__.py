"""The Whoosh backend (backend.py), split by concern: schema and analysis, the compiled
query, segment caches, collection and facets, spelling, the lock and writer."""
