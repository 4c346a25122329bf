"""A worker killed while a receiver holds the request: a second worker sends it again, same id."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from layanan.core.tests.processes import ProcessDatabase, make_process_database
from layanan.webhooks.testing import Receiver


@pytest.fixture
def process_database(request: pytest.FixtureRequest, tmp_path: Path) -> ProcessDatabase:
    return make_process_database(request, tmp_path)


def _wait_for(predicate: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


SETUP = """
import json
from django.utils import timezone
from layanan.accounts.models import Role
from layanan.testing.world import make_user
from layanan.webhooks.models import Delivery, Event
from layanan.webhooks.services import subscription_create
from layanan.webhooks.tasks import webhook_deliver
owner = make_user(phone="+6281100009999", full_name="Sistem Uji", role=Role.ADMIN)
subscription, _secret = subscription_create(
    actor=owner, owner=owner, description="uji", url="{url}", events=["report.received"]
)
now = timezone.now()
event = Event.objects.create(
    type="report.received", occurred_at=now, kind="report", case_model="complaints.report", case_id=1,
    tracking_number="ADU-UJI", status="received", dispatched_at=now,
    payload={{"id": "x", "type": "report.received", "data": {{"tracking_number": "ADU-UJI"}}}},
)
delivery = Delivery.objects.create(event=event, subscription=subscription)
webhook_deliver.enqueue(str(delivery.pk))
print(json.dumps(str(delivery.pk)))
"""


def test_a_delivery_whose_worker_was_killed_mid_send_is_sent_again_with_the_same_id(
    process_database: ProcessDatabase, tmp_path: Path
) -> None:
    db = process_database
    receiver = Receiver()
    receiver.start()
    try:
        receiver.program("hold")
        db.env.update(
            WEBHOOKS_ENABLED="true",
            WEBHOOKS_ALLOWED_PRIVATE_NETWORKS="127.0.0.1/32",
            WEBHOOKS_SENDING_STALE_SECONDS="1",
            WEBHOOKS_TIMEOUT_SECONDS="30",
            WORKER_HEARTBEAT_SECONDS="1",
            TASK_STALE_AFTER="60",
        )
        delivery_id = db.python(SETUP.format(url=receiver.url))
        worker_args = ["worker", "--no-startup-delay", "--interval", "0.1", "--no-schedule"]
        first = db.start(*worker_args, "--worker-id", "first", log=tmp_path / "workers.log")
        try:
            _wait_for(receiver.holding.is_set, timeout=60, what="the receiver to get the delivery")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(timeout=10)
        state = (
            "import json; from layanan.webhooks.models import Delivery as D; "
            f"d = D.objects.get(pk='{delivery_id}'); print(json.dumps([d.status, d.attempts]))"
        )
        assert db.python(state) == ["sending", 1]
        # The dead worker's heartbeat, its task and the send move an hour into the past.
        db.python(
            "from datetime import timedelta; from django.utils import timezone; "
            "from layanan.core.models import WorkerHeartbeat as H; "
            "from django_tasks_db.models import DBTaskResult as R; "
            "from layanan.webhooks.models import Delivery as D; "
            "past = timezone.now() - timedelta(hours=1); "
            "H.objects.filter(worker_id='first').update(seen_at=past); "
            "R.objects.filter(status='RUNNING').update(started_at=past); "
            f"D.objects.filter(pk='{delivery_id}').update(sending_since=past); print(1)"
        )

        second = db.manage(*worker_args, "--batch", "--worker-id", "second", timeout=120)

        assert second.returncode == 0, second.stdout + second.stderr
        assert db.python(state) == ["delivered", 2]
        assert [r.headers["Layanan-Delivery"] for r in receiver.requests] == [delivery_id] * 2
        assert receiver.handled == [delivery_id]  # a receiver dropping repeats handles it once
    finally:
        receiver.stop()
