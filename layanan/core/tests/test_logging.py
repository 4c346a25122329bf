import logging

import pytest

from layanan.core.logging import REPLACEMENT, RedactPersonalData, redact

NIK = "1803025708859001"


@pytest.fixture
def captured():
    """A logger whose handler carries the filter, as ``settings.LOGGING`` sets it up."""
    records: list[str] = []

    class ListHandler(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = ListHandler()
    handler.addFilter(RedactPersonalData())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("layanan.tests.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, records
    logger.removeHandler(handler)


def test_a_log_record_containing_a_nik_is_redacted(captured):
    logger, records = captured
    logger.info("pemohon %s mengajukan KTP-el", NIK)
    assert records == [f"INFO pemohon {REPLACEMENT} mengajukan KTP-el"]


def test_a_nik_in_the_message_itself_is_redacted_too(captured):
    logger, records = captured
    logger.warning(f"NIK {NIK} ditolak")
    assert NIK not in records[0]
    assert REPLACEMENT in records[0]


@pytest.mark.parametrize(
    "written",
    [
        "1803 0257 0885 9001",
        "1803.0257.0885.9001",
        "1803-0257-0885-9001",
        "180302 570885 9001",
        "18.03.02.570885.9001",
        "nik=1803025708859001;",
    ],
)
def test_a_nik_written_in_groups_is_redacted(written):
    assert "9001" not in redact(f"data: {written}")


def test_a_nik_in_a_logged_exception_is_redacted(captured):
    logger, records = captured
    try:
        raise ValueError(f"NIK tidak valid: {NIK}")
    except ValueError:
        logger.exception("gagal memproses pengajuan")
    assert NIK not in records[0]
    assert "ValueError: NIK tidak valid: " + REPLACEMENT in records[0]


def test_a_nik_in_the_stack_info_is_redacted(captured):
    logger, records = captured
    nik = NIK  # a local whose value shows up in no frame text, but the message carries it
    logger.info("cek %s", nik, stack_info=True)
    assert NIK not in records[0]


@pytest.mark.parametrize(
    "text",
    [
        "telepon +6281200000001",
        "pengajuan 42 selesai dalam 3 hari",
        "2026-11-28 09:06:00,123",
        "12345678901234567",  # 17 digits: not a NIK
        "123456789012345",  # 15 digits
        "dari 127.0.0.1 127.0.0.1 127.0.0.1",
        "nomor 1803 0257 08859 001",  # not a grouping anyone writes a NIK in
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert redact(text) == text


def test_a_broken_log_call_does_not_crash_the_filter():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("one",), None)
    assert RedactPersonalData().filter(record) is True


def test_the_project_logging_config_attaches_the_filter_to_the_console(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert "redact" in handler["filters"]
    assert settings.LOGGING["filters"]["redact"]["()"] == "layanan.core.logging.RedactPersonalData"


@pytest.fixture
def request_log(settings):
    """django.request through the console handler's filters, in the order ``settings.LOGGING`` gives."""
    from django.utils.module_loading import import_string

    records: list[str] = []

    class ListHandler(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = ListHandler()
    for name in settings.LOGGING["handlers"]["console"]["filters"]:
        handler.addFilter(import_string(settings.LOGGING["filters"][name]["()"])())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_refused_page_is_one_line_in_the_log_without_a_stack_trace(client, request_log):
    from layanan.accounts.testing import sign_in
    from layanan.testing import build_cast

    cast = build_cast()
    sign_in(client, cast.siti)
    response = client.get("/petugas/pesan/")
    assert response.status_code == 403
    forbidden = [line for line in request_log if "Forbidden" in line]
    assert len(forbidden) == 1
    assert "Traceback" not in forbidden[0]
    assert "\n" not in forbidden[0]


def test_a_server_error_keeps_its_stack_trace(request_log):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in request_log[-1]
    assert "RuntimeError: boom" in request_log[-1]


def test_the_periodic_schedule_and_each_task_run_stay_out_of_the_log_unless_debugging(settings):
    assert settings.LOGGING["loggers"]["django.tasks"]["level"] == "WARNING"
