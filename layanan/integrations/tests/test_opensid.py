"""OpenSID: a village's signed letter request becomes the resident's application; the letter goes back."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.applications import services
from layanan.applications.models import Application, Status
from layanan.applications.tests import builders
from layanan.audit.models import AuditEvent
from layanan.catalogue.models import FormField, Service
from layanan.documents.tests.render_builders import (  # noqa: F401  # signing_ca is a fixture
    letter_template,
    signing_ca,
    signing_code,
)
from layanan.identity.services import citizen_identity_set
from layanan.identity.testing import make_nik
from layanan.integrations import http, tasks
from layanan.integrations.models import Delivery, OpensidInstance, OpensidRequest, SeenSignature
from layanan.integrations.services import opensid
from layanan.integrations.tests.fakes import FakeOpensid

pytestmark = pytest.mark.django_db

NIK = make_nik(region="180304", female=True)


@pytest.fixture
def fake(settings) -> Iterator[FakeOpensid]:
    with FakeOpensid() as server:
        settings.OPENSID_ENABLED = True
        settings.OPENSID_TIMEOUT_SECONDS = 2
        yield server


@pytest.fixture
def instance(cast, fake) -> OpensidInstance:
    return OpensidInstance.objects.create(
        region=cast.world.tanjung_raja_desa, base_url=fake.url, secret=fake.secret
    )


@pytest.fixture
def resident(cast) -> User:
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa, name="Wati Lestari")
    citizen_identity_set(user=villager, nik=NIK, actor=villager)
    return villager


@pytest.fixture
def letter(cast) -> Service:
    service = builders.village_letter(slug="sk-domisili")
    letter_template(service)
    return service


def request_body(**extra: Any) -> dict[str, Any]:
    return {
        "id": "4521",
        "layanan": "sk-domisili",
        "nik": NIK,
        "isian_form": {"nama_anak": "Putri", "tanggal_lahir": "2026-01-05"},
        **extra,
    }


def post(
    instance: OpensidInstance, data: dict[str, Any] | bytes, *, secret: str = "", at: float | None = None
):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    headers = http.signed_headers(secret or instance.secret, body, now=at)
    url = reverse("integrations:opensid_request", kwargs={"instance_id": instance.pk})
    return Client().post(url, body, content_type="application/json", headers=headers)


def test_a_signed_request_creates_the_residents_application_once(cast, instance, resident, letter):
    response = post(instance, request_body())
    assert response.status_code == 201
    row = OpensidRequest.objects.get(instance=instance, request_id="4521")
    application = row.application
    assert response.json() == {
        "status": "diterima",
        "id": "4521",
        "nomor_pelacakan": application.tracking_number,
    }
    assert application.applicant == resident
    assert application.status == Status.SUBMITTED
    assert application.office == cast.world.desa_tanjung_raja
    assert application.answers == {"nama_anak": "Putri", "tanggal_lahir": "2026-01-05"}
    assert set(application.checks.values_list("provision", flat=True)) == {"paper"}
    assert AuditEvent.objects.filter(action="integrations.opensid_request").count() == 1

    # OpenSID sends it again (a new signature): the same application.
    again = post(instance, request_body(), at=time.time() + 3)
    assert again.status_code == 200
    assert again.json()["status"] == "sudah_diterima"
    assert again.json()["nomor_pelacakan"] == application.tracking_number
    assert Application.objects.filter(applicant=resident).count() == 1


def test_a_replay_a_stale_or_a_wrongly_signed_request_is_refused(cast, instance, resident, letter):
    body = json.dumps(request_body()).encode()
    headers = http.signed_headers(instance.secret, body)
    url = reverse("integrations:opensid_request", kwargs={"instance_id": instance.pk})
    assert Client().post(url, body, content_type="application/json", headers=headers).status_code == 201
    replay = Client().post(url, body, content_type="application/json", headers=headers)
    assert replay.status_code == 409
    assert replay.json()["error"] == "replay"

    other = request_body(id="4522")
    stale = post(instance, other, at=time.time() - 3600)
    wrong = post(instance, other, secret="kunci-yang-salah-sama-sekali-0000000000")
    unsigned = Client().post(url, json.dumps(other), content_type="application/json")
    assert (stale.status_code, stale.json()["error"]) == (401, "signature_stale")
    assert (wrong.status_code, wrong.json()["error"]) == (401, "signature_bad")
    assert (unsigned.status_code, unsigned.json()["error"]) == (401, "signature_missing")
    assert "pesan" in wrong.json()
    assert OpensidRequest.objects.count() == 1
    assert SeenSignature.objects.count() == 1


def test_one_villages_secret_does_not_open_another_villages_door(cast, instance, resident, letter, fake):
    other = OpensidInstance.objects.create(
        region=cast.world.kotabumi_pasar, base_url=fake.url, secret="kunci-desa-lain-yang-berbeda-0123456789"
    )
    response = post(other, request_body(), secret=instance.secret)
    assert response.status_code == 401
    assert not OpensidRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"nik": make_nik(region="180304", serial="0999")}, "not_registered"),
        ({"nik": "12345"}, "bad_nik"),
        ({"layanan": "tidak-ada"}, "unknown_service"),
        ({"isian_form": {"nama_anak": "Putri", "tanggal_lahir": "bukan tanggal"}}, "invalid_answers"),
        ({"isian_form": {"warna": "merah"}}, "unknown_fields"),
        ({"id": ""}, "bad_id"),
    ],
)
def test_a_request_we_cannot_take_gets_a_plain_message_and_creates_nothing(
    cast, instance, resident, letter, change, code
):
    response = post(instance, request_body(**change))
    assert response.status_code in (400, 422)
    assert response.json()["error"] == code
    assert response.json()["pesan"]
    assert NIK not in response.text
    assert not Application.objects.exists()
    assert not OpensidRequest.objects.exists()


def test_a_resident_of_another_village_is_refused(cast, instance, resident, letter):
    User.objects.filter(pk=resident.pk).update(home_region=cast.world.kotabumi_pasar)
    response = post(instance, request_body())
    assert response.status_code == 422
    assert response.json()["error"] == "other_village"
    assert not Application.objects.exists()


def test_a_dukcapil_document_cannot_be_asked_for_through_opensid(cast, instance, resident):
    builders.dukcapil_service(cast.world, slug="akta-lahir")
    response = post(instance, request_body(layanan="akta-lahir"))
    assert response.status_code == 400
    assert response.json()["error"] == "not_a_village_letter"


def test_the_door_is_closed_while_the_adapter_is_off_or_the_instance_inactive(
    cast, instance, resident, letter, settings
):
    OpensidInstance.objects.filter(pk=instance.pk).update(is_active=False)
    assert post(instance, request_body()).status_code == 404
    OpensidInstance.objects.filter(pk=instance.pk).update(is_active=True)
    settings.OPENSID_ENABLED = False
    assert post(instance, request_body()).status_code == 404
    assert not Application.objects.exists()


def issued(cast, application: Application) -> Application:
    application = builders.claimed(application, cast.rini)
    builders.accept_all(application, cast.rini)
    application = services.application_approve(
        application=application, actor=cast.rini, expected_version=application.version
    )
    signer = builders.staff(role="signer", office=cast.world.desa_tanjung_raja, name="Hendra Saputra")
    return services.application_sign(
        application=application,
        actor=signer,
        expected_version=application.version,
        second_factor_code=signing_code(signer),
    )


@pytest.mark.usefixtures("signing_ca")
def test_the_signed_letter_goes_back_to_the_village_once(cast, instance, resident, letter, fake):
    post(instance, request_body())
    row = OpensidRequest.objects.get()
    assert row.next_attempt_at is None  # waiting for the letter
    assert tasks.opensid_letters_push_due.call() == 0

    application = issued(cast, row.application)
    assert application.status == Status.COMPLETED
    row.refresh_from_db()
    assert row.document is not None
    assert row.delivery == Delivery.PENDING

    assert tasks.opensid_letter_push.call(row.pk) is True
    row.refresh_from_db()
    assert row.delivery == Delivery.SENT
    [pushed] = fake.letters
    assert pushed["permohonan_id"] == "4521"
    assert pushed["nomor_pelacakan"] == application.tracking_number
    assert pushed["nomor_surat"] == row.document.number
    with row.document.file.open("rb") as handle:
        assert pushed["files"][0]["content"] == handle.read()
    assert pushed["files"][0]["content"].startswith(b"%PDF")

    assert opensid.opensid_letter_push(row_id=row.pk) is None  # sent: never twice
    assert tasks.opensid_letters_push_due.call() == 0
    assert len(fake.letters) == 1


@pytest.mark.usefixtures("signing_ca")
def test_a_village_that_is_down_gets_the_letter_when_it_is_back(cast, instance, resident, letter, fake):
    post(instance, request_body())
    row = OpensidRequest.objects.get()
    issued(cast, row.application)
    fake.down = 1

    opensid.opensid_letter_push(row_id=row.pk)
    row.refresh_from_db()
    assert (row.delivery, row.last_error, row.attempts) == (Delivery.PENDING, "http_503", 1)
    assert tasks.opensid_letters_push_due.call() == 0

    OpensidRequest.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert tasks.opensid_letters_push_due.call() == 1
    row.refresh_from_db()
    assert row.delivery == Delivery.SENT
    assert len(fake.letters) == 1


@pytest.mark.usefixtures("signing_ca")
def test_a_letter_signed_with_the_wrong_secret_is_refused_by_the_village_and_not_retried(
    cast, instance, resident, letter, fake
):
    post(instance, request_body())
    row = OpensidRequest.objects.get()
    issued(cast, row.application)
    OpensidInstance.objects.filter(pk=instance.pk).update(secret="kunci-yang-sudah-diganti-di-opensid-000")

    opensid.opensid_letter_push(row_id=row.pk)
    row.refresh_from_db()
    assert (row.delivery, row.last_error) == (Delivery.FAILED, "http_401")
    assert not fake.letters

    OpensidInstance.objects.filter(pk=instance.pk).update(secret=fake.secret)
    assert opensid.opensid_push_retry(row=row, actor=cast.admin) is True
    assert tasks.opensid_letters_push_due.call() == 1
    assert len(fake.letters) == 1


def test_an_administrator_registers_an_instance_and_the_secret_is_never_shown(cast, fake):
    url = reverse("admin:integrations_opensidinstance_add")
    data = {
        "region": cast.world.tanjung_raja_desa.pk,
        "base_url": "https://tanjungraja.desa.id",
        "secret": "rahasia-bersama-yang-cukup-panjang-0123456789",
        "is_active": "on",
    }
    outsider = Client()
    sign_in(outsider, cast.rini)
    refused = outsider.post(url, data)
    assert refused.status_code == 302
    assert "/admin/login/" in refused["Location"]
    assert not OpensidInstance.objects.exists()

    admin = Client()
    sign_in(admin, cast.admin)
    short = admin.post(url, {**data, "secret": "pendek"})
    assert short.status_code == 200
    assert not OpensidInstance.objects.exists()
    not_a_village = admin.post(url, {**data, "region": cast.world.tanjung_raja.pk})
    assert not_a_village.status_code == 200
    assert not OpensidInstance.objects.exists()

    created = admin.post(url, data)
    assert created.status_code == 302
    instance = OpensidInstance.objects.get()
    assert instance.secret == data["secret"]
    page = admin.get(reverse("admin:integrations_opensidinstance_change", args=[instance.pk]))
    assert page.status_code == 200
    assert data["secret"] not in page.text
    audit = AuditEvent.objects.get(action="integrations.opensid_instance_save")
    assert data["secret"] not in json.dumps(audit.details)

    # A change without a new secret keeps the old one.
    kept = admin.post(
        reverse("admin:integrations_opensidinstance_change", args=[instance.pk]),
        {**data, "secret": "", "is_active": ""},
    )
    assert kept.status_code == 302
    instance.refresh_from_db()
    assert instance.secret == data["secret"]
    assert instance.is_active is False


def test_the_letter_fields_of_the_service_are_the_ones_checked(cast, instance, resident, letter):
    FormField.objects.filter(service=letter, name="nama_anak").update(required=True)
    response = post(instance, request_body(isian_form={"tanggal_lahir": "2026-01-05"}))
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_answers"
