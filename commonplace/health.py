"""/healthz: whether this process can serve, for load balancers and monitors."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from haystack import connections

from search import outbox

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the search index both answer and the index is less than
    COMMONPLACE_INDEX_LAG_LIMIT_SECONDS behind the database; 503 otherwise."""
    checks = {"database": _check(_database), "search": _check(_search)}
    lag = outbox.lag() if checks["database"] == "ok" else None
    if lag is not None:
        late = lag.oldest_seconds > settings.COMMONPLACE_INDEX_LAG_LIMIT_SECONDS
        checks["index_lag"] = "lagging" if late else "ok"
    healthy = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if healthy else "unavailable", **checks}
    if lag is not None:
        body["pending_index_updates"] = lag.pending
        body["index_lag_seconds"] = round(lag.oldest_seconds, 1)
    return JsonResponse(body, status=200 if healthy else 503)


def _check(probe) -> str:
    try:
        probe()
    except Exception:
        logger.exception("Health check failed")
        return "unavailable"
    return "ok"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _search() -> None:
    # A real one-word search (see the backend's ping), not a read of the index's contents.
    connections["default"].get_backend().ping()
