"""A worker killed mid-send: a second worker finishes the message, and the gateway delivers it once."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from layanan.core.tests.processes import ProcessDatabase, make_process_database
from layanan.notifications.testing import FakeGateway


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


def test_an_sms_whose_worker_was_killed_mid_send_is_delivered_exactly_once(
    process_database: ProcessDatabase, tmp_path: Path
) -> None:
    db = process_database
    with FakeGateway() as gateway:
        db.env.update(gateway.settings_env())
        db.env.update(
            WORKER_HEARTBEAT_SECONDS="1",
            TASK_STALE_AFTER="60",
            NOTIFY_CHANNELS="sms",
            NOTIFY_SENDING_STALE_SECONDS="1",
        )
        gateway.program("sms", "hold")
        message_id = db.python(
            "import json; from layanan.notifications.services import notify; "
            "m = notify(to='0813 9999 0001', event='inbound.help', key='killed-1'); print(json.dumps(m.pk))"
        )
        worker_args = ["worker", "--no-startup-delay", "--interval", "0.1", "--no-schedule"]
        first = db.start(*worker_args, "--worker-id", "first", log=tmp_path / "workers.log")
        try:
            _wait_for(gateway.holding.is_set, timeout=60, what="the gateway to receive the SMS")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(timeout=10)
        state = (
            "import json; from layanan.notifications.models import Message as M; "
            f"m = M.objects.get(pk={message_id}); print(json.dumps([m.status, m.attempts, m.gateway_ref]))"
        )
        assert db.python(state) == ["sending", 1, ""]
        # The dead worker's heartbeat, its task and the send move an hour into the past.
        db.python(
            "from datetime import timedelta; from django.utils import timezone; "
            "from layanan.core.models import WorkerHeartbeat as H; "
            "from django_tasks_db.models import DBTaskResult as R; "
            "from layanan.notifications.models import Message as M; "
            "past = timezone.now() - timedelta(hours=1); "
            "H.objects.filter(worker_id='first').update(seen_at=past); "
            "R.objects.filter(status='RUNNING').update(started_at=past); "
            f"M.objects.filter(pk={message_id}).update(sending_since=past); print(1)"
        )

        second = db.manage(*worker_args, "--batch", "--worker-id", "second", timeout=120)

        assert second.returncode == 0, second.stdout + second.stderr
        assert db.python(state) == ["sent", 2, "sms-1"]
        assert [r.body["ref"] for r in gateway.received] == [f"lp{message_id}-0"] * 2
        assert len(gateway.delivered) == 1
        gateway.release()
