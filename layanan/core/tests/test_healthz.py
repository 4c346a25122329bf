"""/healthz: bare liveness for anyone; /healthz/detail: the database, the workers' heartbeats and
the queue, for monitoring (a bearer token) and administrators only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from layanan.accounts.testing import sign_in
from layanan.core import views
from layanan.core.models import WorkerHeartbeat
from layanan.core.tests import sample_tasks
from layanan.testing import Cast

URL = "/healthz/detail"
LIVENESS = "/healthz"
TOKEN = "monitoring-token-0123456789abcdefghijklmnopqrstuv"


@pytest.fixture
def client(settings: Any) -> Client:
    """A monitoring client: it sends the bearer token on every request."""
    settings.HEALTHZ_TOKEN = TOKEN
    return Client(headers={"authorization": f"Bearer {TOKEN}"})


@pytest.fixture(autouse=True)
def _heartbeat_every_15_seconds(settings: Any) -> None:
    settings.WORKER_HEARTBEAT_SECONDS = 15


def beat(worker_id: str, *, seconds_ago: float) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id=worker_id, hostname="h", pid=1, started_at=seen, seen_at=seen)


@pytest.mark.django_db
def test_without_any_worker_it_says_none_and_stays_200(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "worker": "none",
        "workers": 0,
        "last_heartbeat_age_seconds": None,
        "queue": {"ready": 0, "oldest_ready_age_seconds": None},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_fresh_heartbeat_is_ok(client: Client) -> None:
    beat("w1", seconds_ago=5)
    beat("w2", seconds_ago=600)

    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["worker"] == "ok"
    assert body["workers"] == 1
    assert 4 <= body["last_heartbeat_age_seconds"] < 60


@pytest.mark.django_db
def test_a_heartbeat_older_than_three_intervals_is_stale_but_still_200(client: Client) -> None:
    beat("w1", seconds_ago=46)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["worker"] == "stale"
    assert response.json()["workers"] == 0
    assert WorkerHeartbeat.objects.count() == 1  # reading the health changes nothing


@pytest.mark.django_db
def test_it_reports_the_queue_depth_and_the_oldest_ready_task(client: Client) -> None:
    old = sample_tasks.add.enqueue(1, 2)
    sample_tasks.add.enqueue(3, 4)
    sample_tasks.add.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(5, 6)  # not ready yet
    DBTaskResult.objects.filter(id=old.id).update(enqueued_at=timezone.now() - timedelta(seconds=120))

    response = client.get(URL)

    queue = response.json()["queue"]
    assert queue["ready"] == 2
    assert 119 <= queue["oldest_ready_age_seconds"] < 180


@pytest.mark.django_db
def test_a_deferred_task_counts_as_waiting_from_its_run_after(client: Client) -> None:
    deferred = sample_tasks.add.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(5, 6)
    DBTaskResult.objects.filter(id=deferred.id).update(
        enqueued_at=timezone.now() - timedelta(days=1), run_after=timezone.now() - timedelta(seconds=30)
    )

    queue = client.get(URL).json()["queue"]

    assert queue["ready"] == 1
    assert 29 <= queue["oldest_ready_age_seconds"] < 90


@pytest.mark.django_db
def test_a_database_error_is_503(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenConnection:
        def cursor(self) -> Any:
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", BrokenConnection())

    response = client.get(URL)

    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["worker"] == "unknown"


# The public liveness ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_liveness_says_only_ok_to_everyone(cast: Cast) -> None:
    beat("w1", seconds_ago=5)
    anonymous = Client()
    response = anonymous.get(LIVENESS)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    for user in cast.all().values():
        sign_in(anonymous, user)
        response = anonymous.get(LIVENESS)
        assert (response.status_code, response.json()) == (200, {"status": "ok"})
        anonymous.logout()
    assert WorkerHeartbeat.objects.count() == 1


@pytest.mark.django_db
def test_liveness_is_503_without_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenConnection:
        def cursor(self) -> Any:
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", BrokenConnection())

    response = Client().get(LIVENESS)

    assert response.status_code == 503
    assert response.json() == {"status": "error"}


# Who may read the detail ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_refuses_a_caller_without_the_token(settings: Any) -> None:
    settings.HEALTHZ_TOKEN = TOKEN
    beat("w1", seconds_ago=5)
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": f"Basic {TOKEN}"}):
        response = Client(headers=headers).get(URL)
        assert response.status_code == 401
        assert response.json() == {"status": "unauthorized"}
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"worker" not in response.content


@pytest.mark.django_db
def test_without_a_configured_token_no_bearer_is_accepted(settings: Any) -> None:
    settings.HEALTHZ_TOKEN = ""
    assert Client(headers={"authorization": "Bearer "}).get(URL).status_code == 401


@pytest.mark.django_db
def test_the_detail_is_for_administrators_among_the_signed_in(settings: Any, cast: Cast) -> None:
    settings.HEALTHZ_TOKEN = ""
    beat("w1", seconds_ago=5)
    browser = Client()
    for name, user in cast.all().items():
        sign_in(browser, user)
        response = browser.get(URL)
        if name == "admin":
            assert response.status_code == 200
            assert response.json()["workers"] == 1
        else:
            assert response.status_code == 403, name
            assert response.json() == {"status": "forbidden"}
        browser.logout()
    assert WorkerHeartbeat.objects.count() == 1


def test_the_admin_shows_worker_state_read_only_and_refuses_officers(cast):
    client = Client()
    WorkerHeartbeat.objects.create(
        worker_id="w-admin-test", hostname="host", pid=1, started_at=timezone.now(), seen_at=timezone.now()
    )
    sign_in(client, cast.admin)
    page = client.get("/admin/core/workerheartbeat/")
    assert page.status_code == 200
    assert b"w-admin-test" in page.content
    assert client.get("/admin/core/workerheartbeat/add/").status_code == 403
    assert WorkerHeartbeat.objects.count() == 1
    client.logout()
    sign_in(client, cast.budi)
    assert client.get("/admin/core/workerheartbeat/").status_code in (302, 403)
