"""The read replica: dashboards' reads go to "replica", writes and everything else to "default".

In tests "replica" is a second connection to the test database (``TEST: {"MIRROR": "default"}``,
settings.py), so which alias each query went through can be told apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.catalogue.models import Service
from layanan.core.dbrouter import ReadReplicaRouter, read_replica, replica_view_matches
from layanan.monitoring.models import ApplicationDaily
from layanan.notifications.models import Message

BOTH = ["default", "replica"]


@contextmanager
def queries_by_alias() -> Iterator[dict[str, CaptureQueriesContext]]:
    with ExitStack() as stack:
        yield {alias: stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in BOTH}


def sql(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def dashboard_client(cast: Any) -> Client:
    client = Client()
    sign_in(client, cast.bupati)
    return client


def test_the_test_settings_give_a_replica_alias_mirroring_default(settings):
    assert settings.DATABASES["replica"]["TEST"]["MIRROR"] == "default"
    assert "layanan.core.dbrouter.ReadReplicaRouter" in settings.DATABASE_ROUTERS


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_dashboard_reads_its_figures_from_the_replica(settings, cast):
    settings.READ_REPLICA_VIEWS = ["monitoring:*"]
    client = dashboard_client(cast)
    with queries_by_alias() as captured:
        response = client.get(reverse("monitoring:overview"))
    assert response.status_code == 200
    on_replica, on_default = sql(captured["replica"]), sql(captured["default"])
    assert any("monitoring_" in query for query in on_replica)
    assert not any("monitoring_" in query for query in on_default)
    # Who is asking (session, user) is read from the primary, before the view.
    assert any("django_session" in query for query in on_default)
    assert not any("django_session" in query or "accounts_user" in query for query in on_replica)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_dashboard_export_reads_from_the_replica(settings, cast):
    settings.READ_REPLICA_VIEWS = ["monitoring:*"]
    client = dashboard_client(cast)
    with queries_by_alias() as captured:
        response = client.get(reverse("monitoring:export", kwargs={"table": "layanan", "fmt": "csv"}))
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    assert any("monitoring_" in query for query in sql(captured["replica"]))


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_post_to_a_listed_view_stays_on_default(settings, cast):
    settings.READ_REPLICA_VIEWS = ["monitoring:*"]
    client = dashboard_client(cast)
    with queries_by_alias() as captured:
        response = client.post(reverse("monitoring:overview"))  # the page answers a POST as a GET
    assert response.status_code == 200
    assert sql(captured["replica"]) == []
    assert any("monitoring_" in query for query in sql(captured["default"]))


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_view_not_listed_stays_on_default(settings, cast):
    settings.READ_REPLICA_VIEWS = ["privacy:*"]
    client = dashboard_client(cast)
    with queries_by_alias() as captured:
        assert client.get(reverse("monitoring:overview")).status_code == 200
    assert sql(captured["replica"]) == []
    assert any("monitoring_" in query for query in sql(captured["default"]))


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_without_read_replica_views_nothing_is_routed(settings, cast):
    settings.READ_REPLICA_VIEWS = []
    client = dashboard_client(cast)
    with queries_by_alias() as captured:
        assert client.get(reverse("monitoring:overview")).status_code == 200
    assert sql(captured["replica"]) == []


def test_the_router_sends_reads_to_the_replica_only_inside_read_replica():
    router = ReadReplicaRouter()
    assert router.db_for_read(ApplicationDaily) is None
    with read_replica():
        assert router.db_for_read(ApplicationDaily) == "replica"
        assert router.db_for_read(Service) == "replica"
        assert router.db_for_write(ApplicationDaily) == "default"
    assert router.db_for_read(ApplicationDaily) is None


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_inside_a_transaction_on_default_reads_stay_on_default():
    router = ReadReplicaRouter()
    with read_replica(), transaction.atomic():
        assert router.db_for_read(ApplicationDaily) is None


def test_who_someone_is_and_what_must_not_be_stale_is_always_read_from_default():
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    from layanan.accounts.models import User
    from layanan.audit.models import AuditEvent

    router = ReadReplicaRouter()
    with read_replica():
        for model in (Session, User, AuditEvent, DBTaskResult):
            assert router.db_for_read(model) is None, model
        assert router.db_for_read(Message) == "replica"


def test_the_replica_is_never_migrated():
    router = ReadReplicaRouter()
    assert router.allow_migrate("replica", "monitoring") is False
    assert router.allow_migrate("default", "monitoring") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("monitoring:overview", True),
        ("monitoring:export", True),
        ("applications:queue", False),
        ("monitoringx:overview", False),
    ],
)
def test_url_names_match_the_configured_patterns(name, expected):
    assert replica_view_matches(name, ["monitoring:*"]) is expected
