"""JSON logs: a request's id in every line of it and of the tasks it enqueued; no personal data."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.tasks import task
from django.test import Client
from django.urls import include, path
from django_tasks_db.models import DBTaskResult

from layanan.core.logging import (
    REPLACEMENT,
    JsonFormatter,
    RedactPersonalData,
    RequestContext,
    request_id_bound,
)
from layanan.core.tasks import REQUEST_ID_KEY
from layanan.core.worker import Worker

NIK = "1803025708859001"
probe_logger = logging.getLogger("layanan.tests.probe")


@task()
def probe_task(number: int) -> int:
    probe_logger.info("probe task runs for item %s", number)
    return number


def probe_view(request: HttpRequest) -> HttpResponse:
    probe_logger.info("probe view enqueues a task")
    probe_task.enqueue(7)
    return HttpResponse("ok")


def boom_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


def broken_error_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("and so did the 500 page")


urlpatterns = [
    path("probe/", probe_view, name="probe"),
    path("boom/", boom_view, name="boom"),
    path("", include("layanan.urls")),
]
handler500 = broken_error_page


@pytest.fixture
def json_lines() -> Iterator[list[dict[str, Any]] | Any]:
    """The root logger also writes JSON lines, through the filters settings.LOGGING gives the console."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContext())
    handler.addFilter(RedactPersonalData())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    lines.raw = stream  # type: ignore[attr-defined]
    yield lines
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def probe_site(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.ROOT_URLCONF = __name__
    settings.LOG_ACCESS = True
    # The in-process worker runs inside the test's transaction, which closing "old" connections would end.
    monkeypatch.setattr("layanan.core.worker.close_old_connections", lambda: None)


def run_worker() -> None:
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-logs",
        excluded_queue_names=[],
        run_schedule=False,
        background_heartbeat=False,
    ).run()


@pytest.mark.django_db
def test_a_request_and_the_task_it_enqueued_log_the_same_request_id(probe_site, json_lines):
    response = Client().get("/probe/", HTTP_X_REQUEST_ID="nginx-req-0001")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "nginx-req-0001"
    row = DBTaskResult.objects.get(task_path=f"{__name__}.probe_task")
    assert row.args_kwargs[REQUEST_ID_KEY] == "nginx-req-0001"
    assert row.task_result.kwargs == {}
    assert row.task_result.args == [7]

    run_worker()

    row.refresh_from_db()
    assert row.return_value == 7
    by_message = {line["message"]: line for line in json_lines()}
    view_line = by_message["probe view enqueues a task"]
    task_line = by_message["probe task runs for item 7"]
    access = next(line for line in json_lines() if line["logger"] == "layanan.access")
    assert view_line["request_id"] == task_line["request_id"] == access["request_id"] == "nginx-req-0001"
    assert {"time", "level", "logger", "message"} <= set(task_line)
    assert task_line["level"] == "info"


@pytest.mark.django_db
def test_the_access_line_names_the_view_status_and_time_but_never_the_query_string(probe_site, json_lines):
    Client().get(f"/probe/?nik={NIK}&nama=Siti", HTTP_X_REQUEST_ID="nginx-req-0002")
    access = [line for line in json_lines() if line["logger"] == "layanan.access"]
    assert len(access) == 1
    line = access[0]
    assert line["view"] == "probe"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] is None
    text = json_lines.raw.getvalue()
    assert "nik=" not in text
    assert NIK not in text
    assert "Siti" not in text
    assert "?" not in text


@pytest.mark.django_db
def test_a_signed_in_persons_access_line_carries_their_id_only(probe_site, json_lines, cast):
    from layanan.accounts.testing import sign_in

    client = Client()
    sign_in(client, cast.siti)
    client.get("/akun/profil/")
    access = [line for line in json_lines() if line["logger"] == "layanan.access"][-1]
    assert access["user_id"] == cast.siti.pk
    text = json_lines.raw.getvalue()
    assert cast.siti.phone not in text
    assert cast.siti.full_name not in text


@pytest.mark.django_db
@pytest.mark.parametrize("offered", ["bad id with spaces", "x" * 65, "short", "evil\nline", "a;b=c-12345"])
def test_a_malformed_incoming_request_id_is_replaced_by_a_fresh_one(probe_site, offered):
    response = Client().get("/probe/", HTTP_X_REQUEST_ID=offered)
    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32
    assert int(response["X-Request-ID"], 16) >= 0


@pytest.mark.django_db
def test_each_request_without_an_id_gets_its_own(probe_site):
    client = Client()
    first = client.get("/probe/")["X-Request-ID"]
    second = client.get("/probe/")["X-Request-ID"]
    assert first != second


@pytest.mark.django_db
def test_a_task_enqueued_outside_a_request_carries_no_id(probe_site):
    probe_task.enqueue(1)
    row = DBTaskResult.objects.get(task_path=f"{__name__}.probe_task")
    assert REQUEST_ID_KEY not in row.args_kwargs


def test_a_nik_in_a_json_line_is_masked_in_the_message_and_the_exception(json_lines):
    with request_id_bound("req-nik-000001"):
        probe_logger.warning("NIK %s tidak cocok", NIK)
        try:
            raise ValueError(f"NIK tidak valid: {NIK}")
        except ValueError:
            probe_logger.exception(f"gagal untuk {NIK}")
    text = json_lines.raw.getvalue()
    assert NIK not in text
    warning, error = json_lines()
    assert warning["message"] == f"NIK {REPLACEMENT} tidak cocok"
    assert warning["request_id"] == "req-nik-000001"
    assert error["message"] == f"gagal untuk {REPLACEMENT}"
    assert f"ValueError: NIK tidak valid: {REPLACEMENT}" in error["exception"]


def test_a_line_outside_any_request_has_a_null_request_id(json_lines):
    probe_logger.info("worker idle")
    (line,) = json_lines()
    assert line["request_id"] is None


def test_extras_other_than_the_known_fields_stay_out_of_the_line(json_lines):
    probe_logger.info("with extras", extra={"request": object(), "phone": "+6281200000001", "status": 404})
    (line,) = json_lines()
    assert "phone" not in line
    assert "request" not in line
    assert line["status"] == 404


@pytest.mark.django_db
def test_a_request_whose_error_page_fails_too_is_still_counted_and_logged_as_a_500(probe_site, json_lines):
    from prometheus_client import REGISTRY

    labels = {"view": "boom", "method": "GET", "status": "500"}
    before = REGISTRY.get_sample_value("layanan_http_requests_total", labels) or 0.0
    with pytest.raises(RuntimeError):
        Client().get("/boom/", HTTP_X_REQUEST_ID="nginx-req-0500")
    assert REGISTRY.get_sample_value("layanan_http_requests_total", labels) == before + 1
    access = [line for line in json_lines() if line["logger"] == "layanan.access"]
    assert [(line["status"], line["request_id"]) for line in access] == [(500, "nginx-req-0500")]


_LOG_ONE_LINE = """
import logging
import django
django.setup()
from layanan.core.logging import request_id_bound
with request_id_bound("req-settings-01"):
    logging.getLogger("layanan.tests.settings").warning("NIK %s", "1803025708859001")
"""


@pytest.mark.parametrize(("variables", "is_json"), [({"LOG_FORMAT": "json"}, True), ({}, False)])
def test_the_settings_choose_the_json_lines_by_log_format(tmp_path, variables, is_json):
    env = {
        **{key: value for key, value in os.environ.items() if key not in ("LOG_FORMAT", "ENVIRONMENT")},
        "DJANGO_SETTINGS_MODULE": "layanan.settings",
        "VAR_DIR": str(tmp_path / "var"),
        **variables,
    }
    stderr = subprocess.run(
        [sys.executable, "-c", _LOG_ONE_LINE],
        env=env,
        cwd=Path(django_settings.BASE_DIR),
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stderr
    (last,) = [line for line in stderr.splitlines() if "layanan.tests.settings" in line]
    assert NIK not in last
    if is_json:
        line = json.loads(last)
        assert (line["message"], line["request_id"]) == (f"NIK {REPLACEMENT}", "req-settings-01")
    else:
        assert last.endswith(f"WARNING layanan.tests.settings NIK {REPLACEMENT}")
