"""SIAK: a processed Dukcapil application is handed over once; SIAK's signed result moves it on."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from layanan.applications import services
from layanan.applications.models import Application, Status, TimelineEvent
from layanan.applications.tests import builders
from layanan.audit.models import AuditEvent
from layanan.integrations import http, tasks
from layanan.integrations.models import Delivery, SeenSignature, SiakHandoff
from layanan.integrations.services import siak
from layanan.integrations.tests.fakes import FakeSiak
from layanan.notifications.models import Message

pytestmark = pytest.mark.django_db

SEND_TASK = "layanan.integrations.tasks.siak_handoff_send"
URL = "/integrasi/siak/hasil/"


@pytest.fixture
def fake(settings) -> Iterator[FakeSiak]:
    with FakeSiak() as server:
        settings.SIAK_ENABLED = True
        settings.SIAK_URL = server.url
        settings.SIAK_TOKEN = server.token
        settings.SIAK_CALLBACK_SECRET = server.callback_secret
        settings.SIAK_TIMEOUT_SECONDS = 2
        yield server


def with_upload(cast) -> Application:
    """Siti's application for a Dukcapil document, the KTP uploaded, the birth letter on paper."""
    service = builders.dukcapil_service(cast.world)
    application = builders.draft(service, cast.siti)
    for step, answers in builders.ANSWERS.items():
        services.application_save_step(application=application, actor=cast.siti, step=step, answers=answers)
    for requirement in service.requirements.all():
        if requirement.code == "ktp":
            services.requirement_provide(
                application=application,
                actor=cast.siti,
                requirement=requirement,
                provision="upload",
                upload=builders.png_upload("KTP Siti Rahayu 1803.png"),
            )
        else:
            services.requirement_provide(
                application=application, actor=cast.siti, requirement=requirement, provision="paper"
            )
    return services.application_submit(application=application, actor=cast.siti, submit_key=uuid.uuid4())


def processed(cast, application: Application | None = None) -> Application:
    application = builders.claimed(application or with_upload(cast), cast.budi)
    builders.accept_all(application, cast.budi)
    return services.application_process(
        application=application, actor=cast.budi, expected_version=builders.reloaded(application).version
    )


def handed_over(cast, fake: FakeSiak) -> tuple[Application, SiakHandoff]:
    application = processed(cast)
    handoff = SiakHandoff.objects.get(application=application)
    assert tasks.siak_handoff_send.call(handoff.pk) is True
    handoff.refresh_from_db()
    return application, handoff


def post(body: bytes, headers: dict[str, str]):
    return Client().post(
        URL,
        body,
        content_type="application/json",
        headers=headers,
    )


def test_nothing_is_handed_over_while_the_adapter_is_off(cast, settings):
    assert settings.SIAK_ENABLED is False
    processed(cast)
    assert not SiakHandoff.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=SEND_TASK).exists()


def test_a_letter_service_is_never_handed_to_siak(cast, fake):
    letter = builders.dukcapil_service(cast.world, output="letter")
    processed(cast, builders.submitted(letter, cast.siti))
    assert not SiakHandoff.objects.exists()


def test_processing_hands_over_the_manifest_and_the_accepted_files_once(cast, fake):
    application = processed(cast)
    handoff = SiakHandoff.objects.get(application=application)
    assert DBTaskResult.objects.get(task_path=SEND_TASK).args_kwargs["args"] == [handoff.pk]

    assert tasks.siak_handoff_send.call(handoff.pk) is True
    handoff.refresh_from_db()
    assert handoff.delivery == Delivery.SENT
    assert handoff.siak_ref == "SIAK-501"
    package = fake.packages["SIAK-501"]
    manifest = package["manifest"]
    assert manifest["id_eksternal"] == str(application.public_id)
    assert manifest["layanan"]["kode"] == application.service.slug
    assert manifest["isian"] == {"nama_anak": "Putri", "tanggal_lahir": "2026-01-05"}
    assert [item["kode"] for item in manifest["persyaratan"]] == ["ktp", "surat-lahir"]
    assert manifest["persyaratan"][1]["dipenuhi_dengan"] == "paper"
    assert manifest["hasil_ke"].endswith(URL)
    [sent_file] = package["files"]
    attachment = application.attachments.get(is_current=True)
    assert sent_file["filename"] == "ktp-1.jpg"  # never the citizen's own file name (re-encoded)
    assert manifest["persyaratan"][0]["berkas"][0]["sha256"] == attachment.sha256
    with attachment.file.open("rb") as handle:
        assert sent_file["content"] == handle.read()
    raw = fake.raw["SIAK-501"]
    assert cast.siti.phone.encode() not in raw
    assert b"Siti Rahayu" not in raw
    assert fake.requests[-1]["headers"]["Idempotency-Key"] == str(application.public_id)
    assert TimelineEvent.objects.filter(application=application, action="siak_handoff").count() == 1

    # Never twice: the same row, no second send.
    assert siak.siak_handoff_open(application=application) == handoff
    assert siak.siak_handoff_send(handoff_id=handoff.pk) is None
    assert len(fake.packages) == 1
    assert SiakHandoff.objects.count() == 1


def test_siak_down_is_retried_with_backoff(cast, fake):
    fake.down = 1
    application = processed(cast)
    handoff = SiakHandoff.objects.get(application=application)
    siak.siak_handoff_send(handoff_id=handoff.pk)
    handoff.refresh_from_db()
    assert (handoff.delivery, handoff.last_error, handoff.attempts) == (Delivery.PENDING, "http_503", 1)
    assert tasks.siak_handoffs_send_due.call() == 0

    SiakHandoff.objects.filter(pk=handoff.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert tasks.siak_handoffs_send_due.call() == 1
    handoff.refresh_from_db()
    assert handoff.delivery == Delivery.SENT
    assert len(fake.packages) == 1


def test_an_issued_result_completes_the_application_as_the_system_once(cast, fake):
    application, handoff = handed_over(cast, fake)
    body, headers = fake.result("SIAK-501", hasil="terbit", nomor_dokumen="1803-LU-07122026-0001")

    response = post(body, headers)
    assert response.status_code == 200
    assert response.json()["status"] == "dicatat"
    application.refresh_from_db()
    handoff.refresh_from_db()
    assert application.status == Status.COMPLETED
    assert handoff.result == SiakHandoff.Result.ISSUED
    assert handoff.document_number == "1803-LU-07122026-0001"
    approve = AuditEvent.objects.get(action="applications.approve", object_id=str(application.pk))
    assert approve.actor is None  # the system
    last = TimelineEvent.objects.filter(application=application).order_by("-pk").first()
    assert last is not None
    assert "1803-LU-07122026-0001" in last.message
    assert Message.objects.filter(event="application.completed", recipient=cast.siti).count() == 1

    # SIAK sends it again (a new signature): nothing changes.
    again_body, again_headers = fake.result(
        "SIAK-501", at=time.time() + 5, hasil="ditolak", alasan="Data ganda."
    )
    again = post(again_body, again_headers)
    assert again.status_code == 200
    assert again.json()["status"] == "sudah_dicatat"
    application.refresh_from_db()
    assert application.status == Status.COMPLETED
    assert SiakHandoff.objects.get(pk=handoff.pk).result == SiakHandoff.Result.ISSUED
    assert Message.objects.filter(event="application.completed").count() == 1


def test_a_refused_result_rejects_the_application_with_siaks_reason(cast, fake):
    application, _handoff = handed_over(cast, fake)
    body, headers = fake.result("SIAK-501", hasil="ditolak", alasan="NIK ibu tidak ditemukan di database.")

    response = post(body, headers)
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert "NIK ibu tidak ditemukan" in application.decision_reason


def test_a_replayed_callback_is_refused_and_changes_nothing(cast, fake):
    application, _handoff = handed_over(cast, fake)
    body, headers = fake.result("SIAK-501", hasil="terbit", nomor_dokumen="1803-0001")
    assert post(body, headers).status_code == 200
    version = builders.reloaded(application).version

    replay = post(body, headers)
    assert replay.status_code == 409
    assert replay.json()["error"] == "replay"
    assert builders.reloaded(application).version == version
    assert SeenSignature.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ("no_signature", 401, "signature_missing"),
        ("wrong_secret", 401, "signature_bad"),
        ("stale", 401, "signature_stale"),
        ("tampered", 401, "signature_bad"),
    ],
)
def test_an_unsigned_wrong_or_stale_callback_is_refused(cast, fake, change, status, code):
    application, handoff = handed_over(cast, fake)
    body, headers = fake.result("SIAK-501", hasil="terbit", nomor_dokumen="1803-0001")
    if change == "no_signature":
        headers = {}
    elif change == "wrong_secret":
        headers = http.signed_headers("kunci-lain-yang-salah", body)
    elif change == "stale":
        headers = http.signed_headers(fake.callback_secret, body, now=time.time() - 3600)
    else:
        body = body.replace(b"1803-0001", b"9999-0001")

    response = post(body, headers)
    assert response.status_code == status
    assert response.json()["error"] == code
    assert response.json()["pesan"]
    assert builders.reloaded(application).status == Status.PROCESSING
    assert SiakHandoff.objects.get(pk=handoff.pk).result == ""


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"hasil": "terbit"}, 400, "no_number"),
        ({"hasil": "ditolak"}, 400, "no_reason"),
        ({"hasil": "mungkin"}, 400, "bad_outcome"),
    ],
)
def test_an_incomplete_result_gets_a_plain_message_and_changes_nothing(cast, fake, fields, status, code):
    application, _handoff = handed_over(cast, fake)
    body, headers = fake.result("SIAK-501", **fields)

    response = post(body, headers)
    assert response.status_code == status
    assert response.json()["error"] == code
    assert builders.reloaded(application).status == Status.PROCESSING


def test_a_result_for_someone_elses_handoff_is_unknown(cast, fake):
    application, _handoff = handed_over(cast, fake)
    body = json.dumps(
        {
            "id": "SIAK-501",
            "id_eksternal": "00000000-0000-0000-0000-000000000000",
            "hasil": "terbit",
            "nomor_dokumen": "1",
        }
    ).encode()

    response = post(body, http.signed_headers(fake.callback_secret, body))
    assert response.status_code == 404
    assert builders.reloaded(application).status == Status.PROCESSING


def test_the_endpoint_is_closed_while_the_adapter_is_off_and_takes_no_get(cast, settings):
    body = b"{}"
    assert post(body, http.signed_headers("x", body)).status_code == 404
    settings.SIAK_ENABLED = True
    assert Client().get(URL).status_code == 405
    assert reverse("integrations:siak_result") == URL


def test_an_officer_who_decided_first_keeps_the_decision(cast, fake):
    application, handoff = handed_over(cast, fake)
    services.application_reject(
        application=application, actor=cast.budi, expected_version=application.version, reason="Berkas palsu."
    )
    body, headers = fake.result("SIAK-501", hasil="terbit", nomor_dokumen="1803-0002")

    assert post(body, headers).status_code == 200
    assert builders.reloaded(application).status == Status.REJECTED
    assert SiakHandoff.objects.get(pk=handoff.pk).document_number == "1803-0002"
