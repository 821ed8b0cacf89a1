"""The API fuzzed from its own OpenAPI schema: no 500, no response that breaks the schema.

Bounded: FUZZ_EXAMPLES examples per operation (25 in the suite; `make fuzz` runs more).
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from commonplace.wsgi import application
from tests.conftest import annotate

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


# Loaded when the module is collected: building the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Call the WSGI app as Django's test client does, keeping the test's connection.

    At the end of each request Django closes a connection that is inside a transaction;
    on PostgreSQL that would end the test's transaction under it.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(ingested, users) -> str:
    annotate(users.owner, "prawn cocktail", note="a note", tags=["City"], visibility="shared")
    return Token.objects.create(user=users.owner).key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_holds_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=max(EXAMPLES // 5, 3), deadline=None, suppress_health_check=list(HealthCheck)
)
def test_anonymous_callers_too(case, token):
    case.call_and_validate(checks=CHECKS)
