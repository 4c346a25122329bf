"""Prometheus metrics: requests by URL name and status, the database figures, who may scrape."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from prometheus_client import REGISTRY

from layanan.accounts.testing import sign_in
from layanan.core.metrics import message_observe, task_observe
from layanan.core.tests import sample_tasks
from layanan.monitoring.models import OpenItem

TOKEN = "metrics-token-for-the-tests-0123456789"


def requests_counted(view: str, status: str, method: str = "GET") -> float:
    value = REGISTRY.get_sample_value(
        "layanan_http_requests_total", {"view": view, "method": method, "status": status}
    )
    return value or 0.0


def latency_count(view: str) -> float:
    return REGISTRY.get_sample_value("layanan_http_request_duration_seconds_count", {"view": view}) or 0.0


@pytest.mark.django_db
def test_a_request_is_counted_under_its_url_name_and_status():
    before, timed = requests_counted("core:home", "200"), latency_count("core:home")
    assert Client().get("/").status_code == 200
    assert requests_counted("core:home", "200") == before + 1
    assert latency_count("core:home") == timed + 1


@pytest.mark.django_db
def test_a_path_that_matches_no_url_is_counted_as_unresolved_never_by_its_path():
    before = requests_counted("<unresolved>", "404")
    assert Client().get("/tidak-ada/1803025708859001/").status_code == 404
    assert requests_counted("<unresolved>", "404") == before + 1
    names = {sample.labels.get("view") for metric in REGISTRY.collect() for sample in metric.samples}
    assert not any(name and "tidak-ada" in name for name in names)


@pytest.mark.django_db
def test_a_made_up_method_is_counted_as_other_so_clients_cannot_multiply_the_series():
    before = requests_counted("core:home", "200", method="other")
    Client().generic("BREW", "/")
    after = requests_counted("core:home", "200", method="other") + requests_counted(
        "core:home", "405", "other"
    )
    assert after >= before + 1
    assert (
        REGISTRY.get_sample_value(
            "layanan_http_requests_total", {"view": "core:home", "method": "BREW", "status": "200"}
        )
        is None
    )


@pytest.mark.django_db
def test_a_refused_page_is_counted_with_its_status(cast):
    client = Client()
    sign_in(client, cast.siti)
    before = requests_counted("audit:event_list", "403")
    assert client.get(reverse("audit:event_list")).status_code == 403
    assert requests_counted("audit:event_list", "403") == before + 1


@pytest.mark.django_db
def test_metrics_are_refused_to_an_outsider_and_to_a_signed_in_administrator(cast):
    assert Client().get("/metrics").status_code == 404
    client = Client()
    sign_in(client, cast.admin)
    assert client.get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


@pytest.mark.django_db
def test_metrics_answer_a_caller_from_an_allowed_address(settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    Client().get("/")
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert 'layanan_http_requests_total{method="GET",status="200",view="core:home"}' in body
    assert "layanan_http_request_duration_seconds_bucket" in body
    assert "layanan_queue_ready_tasks 0.0" in body
    assert "layanan_scrape_errors 0.0" in body


@pytest.mark.django_db
def test_metrics_answer_a_caller_with_the_token_from_anywhere(settings):
    settings.METRICS_TOKEN = TOKEN
    response = Client(REMOTE_ADDR="203.0.113.9").get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 404


@pytest.mark.django_db
def test_a_request_through_an_untrusted_proxy_is_not_taken_for_the_proxys_own_address(settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    settings.TRUSTED_PROXY_COUNT = 0
    response = Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 404


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_address_it_vouches_for_counts(settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/24"]
    settings.TRUSTED_PROXY_COUNT = 1
    allowed = Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.5")
    refused = Client().get("/metrics", HTTP_X_FORWARDED_FOR="10.0.0.5, 203.0.113.9")
    assert (allowed.status_code, refused.status_code) == (200, 404)


@pytest.mark.django_db
def test_the_scrape_reads_the_queue_and_the_sla_breaches_from_the_database(settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    sample_tasks.add.enqueue(1, 2)
    sample_tasks.add.enqueue(3, 4)
    now = timezone.now()
    OpenItem.objects.create(kind="application", item_id=1, status="verifying", due_at=now - timedelta(days=1))
    OpenItem.objects.create(kind="application", item_id=2, status="verifying", due_at=now + timedelta(days=1))
    OpenItem.objects.create(
        kind="application", item_id=3, status="waiting", due_at=now - timedelta(days=1), paused=True
    )
    OpenItem.objects.create(kind="report", item_id=1, status="verifying", due_at=now - timedelta(hours=1))
    OpenItem.objects.create(kind="report", item_id=2, status="verifying", due_at=now - timedelta(hours=1))
    body = Client().get("/metrics").content.decode()
    assert "layanan_queue_ready_tasks 2.0" in body
    assert 'layanan_sla_breaches{kind="application"} 1.0' in body
    assert 'layanan_sla_breaches{kind="report"} 2.0' in body
    oldest = next(
        line for line in body.splitlines() if line.startswith("layanan_queue_oldest_ready_age_seconds")
    )
    assert float(oldest.split()[1]) >= 0.0


def test_tasks_and_messages_are_counted_by_name_channel_and_outcome():
    def value(name: str, labels: dict[str, str]) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    task_labels = {"task": "layanan.x.tasks.thing", "outcome": "failed"}
    message_labels = {"channel": "sms", "outcome": "sent"}
    tasks_before, messages_before = (
        value("layanan_tasks_total", task_labels),
        value("layanan_messages_total", message_labels),
    )
    task_observe(task="layanan.x.tasks.thing", outcome="failed")
    message_observe(channel="sms", outcome="sent")
    assert value("layanan_tasks_total", task_labels) == tasks_before + 1
    assert value("layanan_messages_total", message_labels) == messages_before + 1


@pytest.mark.django_db
def test_the_worker_counts_each_task_it_runs_by_outcome(monkeypatch):
    from layanan.core.worker import Worker

    monkeypatch.setattr("layanan.core.worker.close_old_connections", lambda: None)
    ok = {"task": "layanan.core.tests.sample_tasks.add", "outcome": "successful"}
    failed = {"task": "layanan.core.tests.sample_tasks.fail", "outcome": "failed"}
    before = REGISTRY.get_sample_value("layanan_tasks_total", ok) or 0.0
    before_failed = REGISTRY.get_sample_value("layanan_tasks_total", failed) or 0.0
    sample_tasks.add.enqueue(1, 1)
    sample_tasks.fail.enqueue()
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-metrics",
        excluded_queue_names=[],
        run_schedule=False,
        background_heartbeat=False,
    ).run()
    assert REGISTRY.get_sample_value("layanan_tasks_total", ok) == before + 1
    assert REGISTRY.get_sample_value("layanan_tasks_total", failed) == before_failed + 1


_COUNT_ONE_REQUEST = """
import django
django.setup()
from layanan.core.metrics import request_observe
request_observe(view="core:home", method="GET", status=200, seconds=0.01)
"""
_RENDER = """
import django
django.setup()
from layanan.core.metrics import metrics_render
print(metrics_render().decode())
"""


def test_in_multi_process_mode_the_scrape_adds_up_every_process_of_the_host(tmp_path: Path):
    """Two processes (two gunicorn workers, or a web and a worker) count; a third one's scrape sums them."""
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "DJANGO_SETTINGS_MODULE": "layanan.settings",
        "VAR_DIR": str(tmp_path / "var"),
    }
    root = Path(django_settings.BASE_DIR)
    for _ in range(2):
        subprocess.run([sys.executable, "-c", _COUNT_ONE_REQUEST], env=env, cwd=root, check=True, timeout=120)
    assert len(list(directory.glob("counter_*.db"))) == 2
    # The rendering process has no migrated database here (its database figures are left out); the
    # process counters are what this test is about.
    rendered = subprocess.run(
        [sys.executable, "-c", _RENDER],
        env=env,
        cwd=root,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout
    assert 'layanan_http_requests_total{method="GET",status="200",view="core:home"} 2.0' in rendered
