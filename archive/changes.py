"""The places that change articles outside an ingest (the admin, import_references) say
so here.

The search index follows the archive, which may not know it (layers look down): the
composition layer connects a listener at start-up. An ingest is told its index
explicitly (archive.ingest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured

_listener: Callable[[list[int]], None] | None = None


def connect(listener: Callable[[list[int]], None]) -> None:
    global _listener
    _listener = listener


def articles_changed(ids: Iterable[int]) -> None:
    """Inside the transaction that changed them: these articles' entries must be made
    again (their text, title, date or place)."""
    if _listener is None:
        raise ImproperlyConfigured("archive.changes has no listener: is commonplace installed?")
    _listener(list(ids))
