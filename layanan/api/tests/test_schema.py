"""Schemathesis against the served OpenAPI document: no server error, every answer as documented.

The document is fetched from ``/api/v1/openapi.json`` through the WSGI application, as a client
would; each operation is then called with generated input, as anonymous and as a token holder (a
citizen's token with every citizen scope, and an officer's with ``staff``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from layanan.api.tests.builders import bearer, issued
from layanan.complaints.tests import domain_builders as built
from layanan.testing import Cast
from layanan.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# The test transport does not undo gzip (GZipMiddleware answers a client that accepts it).
PLAIN = {"Accept-Encoding": "identity"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Calls go through the WSGI handler, whose request signals close the database connection at
    the end of each request; on PostgreSQL that would close the test's own transaction. Django's
    test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world_with_data(cast: Cast, settings: object) -> Cast:
    settings.API_RATE_PER_ADDRESS = 100_000  # type: ignore[attr-defined]
    settings.API_RATE_PER_TOKEN = 100_000  # type: ignore[attr-defined]
    cache.clear()
    built.disposed(cast, built.submitted(cast))
    return cast


def test_the_document_is_served_and_names_every_operation(client: object) -> None:
    operations = list(schema.get_all_operations())
    assert len(operations) >= 25
    paths = {operation.ok().path for operation in operations if isinstance(operation, Ok)}
    assert "/api/v1/reports" in paths
    assert "/api/v1/tracking" in paths


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_anonymous(case: schemathesis.Case, world_with_data: Cast) -> None:
    case.call_and_validate(headers=PLAIN, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_citizen_token(case: schemathesis.Case, world_with_data: Cast) -> None:
    raw = issued(world_with_data.siti).raw
    case.call_and_validate(headers={**PLAIN, **bearer(raw)}, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_officer_token(case: schemathesis.Case, world_with_data: Cast) -> None:
    raw = issued(world_with_data.budi, ["read", "reports", "applications", "staff"]).raw
    case.call_and_validate(headers={**PLAIN, **bearer(raw)}, checks=CHECKS)
