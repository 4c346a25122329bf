"""The operator's assisted-service pages through the test client: status, database, refusals.

Refused personas: a citizen (Siti), an officer of an agency (Budi, Andi), an operator of another
desa, and an anonymous visitor. The NIK never appears in an address, a log line or an audit row.
"""

from __future__ import annotations

import logging
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from layanan.accounts.models import Role, User
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.codes import code_sent_to
from layanan.applications.models import Application, Status
from layanan.applications.tests import builders
from layanan.assisted import kiosk, services
from layanan.assisted.models import Visit
from layanan.assisted.tests.helpers import VILLAGER_NIK, consented_visit, registered, scan
from layanan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

HOME = reverse("assisted:home")


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def register_post(cast, **extra: str) -> dict[str, str]:
    return {
        "langkah": "daftar",
        "full_name": "Pak Darmo",
        "nik": VILLAGER_NIK,
        "phone": "0812 7777 0001",
        "home_region": cast.world.tanjung_raja_desa.pk,
        **extra,
    }


def test_the_home_page_is_for_operators_and_admins_only(cast):
    assert client_for(cast.rini).get(HOME).status_code == 200
    assert client_for(cast.admin).get(HOME).status_code == 200
    for persona in (cast.siti, cast.budi, cast.andi, cast.bupati, cast.auditor, cast.sekar):
        assert client_for(persona).get(HOME).status_code == 403
    anonymous = Client().get(HOME)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


def test_searching_an_unknown_nik_offers_registration_and_registers_nobody(cast):
    response = client_for(cast.rini).post(HOME, {"langkah": "cari", "nik": VILLAGER_NIK})

    assert response.status_code == 200
    assert "NIK belum terdaftar" in response.content.decode()
    assert not User.objects.filter(full_name="Pak Darmo").exists()
    assert not Visit.objects.exists()


def test_a_bad_nik_gets_a_plain_message(cast):
    response = client_for(cast.rini).post(HOME, {"langkah": "cari", "nik": "12345"})

    assert response.status_code == 200
    assert "Kesalahan" in response.content.decode()
    assert not Visit.objects.exists()


def test_registering_a_walk_in_twice_creates_one_citizen_and_one_visit(cast):
    client = client_for(cast.rini)

    first = client.post(HOME, register_post(cast))
    second = client.post(HOME, register_post(cast))

    citizen = User.objects.get(full_name="Pak Darmo")
    visit = Visit.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("assisted:visit", args=[visit.public_id])
    assert visit.citizen == citizen
    assert visit.operator == cast.rini
    assert visit.registered_here is True
    assert citizen.phone == "+6281277770001"


def test_finding_a_registered_citizen_by_nik_opens_a_visit(cast):
    citizen = registered(cast)

    response = client_for(cast.rini).post(HOME, {"langkah": "cari", "nik": VILLAGER_NIK})

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert visit.citizen == citizen
    assert visit.registered_here is False


def test_a_citizen_out_of_reach_is_refused_with_a_plain_message(cast):
    from layanan.identity.services import citizen_identity_set

    nik = "1803024506900001"
    citizen_identity_set(user=cast.siti, nik=nik, actor=cast.siti)

    response = client_for(cast.rini).post(HOME, {"langkah": "cari", "nik": nik})

    assert response.status_code == 200
    assert "di luar wilayah" in response.content.decode()
    assert not Visit.objects.exists()


def test_refused_personas_cannot_search_or_register(cast):
    for persona in (cast.siti, cast.budi, cast.andi):
        assert client_for(persona).post(HOME, register_post(cast)).status_code == 403
    assert Client().post(HOME, register_post(cast)).status_code == 302
    assert not User.objects.filter(full_name="Pak Darmo").exists()


def test_the_visit_page_is_refused_to_anyone_but_its_operator(cast):
    visit = services.visit_open(actor=cast.rini, citizen=registered(cast))
    url = reverse("assisted:visit", args=[visit.public_id])
    other_desa = builders.village_office_for("18.03.02.1005", cast.world)
    other_operator = builders.staff(role=Role.OPERATOR, office=other_desa)

    assert client_for(cast.rini).get(url).status_code == 200
    for persona in (cast.siti, cast.budi, cast.andi, other_operator):
        assert client_for(persona).post(url, {"langkah": "kirim"}).status_code == 403
    assert Client().get(url).status_code == 302
    assert client_for(cast.rini).get(reverse("assisted:visit", args=[uuid.uuid4()])).status_code == 404
    visit.refresh_from_db()
    assert visit.code_token == ""


def test_the_consent_step_cannot_be_skipped(cast):
    visit = services.visit_open(actor=cast.rini, citizen=registered(cast))
    service = builders.village_letter()

    response = client_for(cast.rini).post(
        reverse("assisted:visit", args=[visit.public_id]), {"langkah": "mulai", "service": service.pk}
    )

    assert response.status_code == 200
    assert "persetujuan" in response.content.decode()
    assert not Application.objects.exists()


def test_an_operator_cannot_start_for_a_citizen_through_the_plain_start_page(cast):
    service = builders.village_letter()

    response = client_for(cast.rini).post(reverse("applications:start", args=[service.slug]))

    assert response.status_code == 302
    assert response["Location"] == HOME
    assert not Application.objects.exists()


def test_consent_by_code_then_start_then_submit_then_receipt(cast, fake_gateway):
    client = client_for(cast.rini)
    client.post(HOME, register_post(cast))
    visit = Visit.objects.get()
    url = reverse("assisted:visit", args=[visit.public_id])

    sent = client.post(url, {"langkah": "kirim"})
    assert sent.status_code == 302
    wrong = client.post(url, {"langkah": "kode", "code": "12"})
    assert wrong.status_code == 200
    assert "Kode tidak cocok" in wrong.content.decode()
    confirmed = client.post(url, {"langkah": "kode", "code": code_sent_to(fake_gateway, "+6281277770001")})
    assert confirmed.status_code == 302
    visit.refresh_from_db()
    assert visit.consent == Visit.Consent.CODE

    service = builders.village_letter()
    started = client.post(url, {"langkah": "mulai", "service": service.pk})
    application = Application.objects.get()
    assert started.status_code == 302
    assert application.applicant == visit.citizen
    assert application.submitted_by == cast.rini

    for step, answers in builders.ANSWERS.items():
        from layanan.applications import services as application_services

        application_services.application_save_step(
            application=application, actor=cast.rini, step=step, answers=answers
        )
    for requirement in service.requirements.all():
        application_services.requirement_provide(
            application=application, actor=cast.rini, requirement=requirement, provision="paper"
        )
    review = reverse("applications:review", args=[application.public_id])
    submitted = client.post(review, {"submit_key": str(uuid.uuid4())})
    assert submitted.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    done = client.get(reverse("applications:done", args=[application.public_id]))
    assert reverse("assisted:receipt", args=[application.public_id]) in done.content.decode()
    for paper in ("a6", "58"):
        receipt = client.get(reverse("assisted:receipt", args=[application.public_id]), {"kertas": paper})
        body = receipt.content.decode()
        assert receipt.status_code == 200
        assert f"CEK {application.tracking_number}" in body
        assert f"receipt-{paper}.css" in body
        assert "<script" not in body


def test_the_receipt_is_refused_to_others_and_before_submission(cast):
    visit = consented_visit(cast)
    application = services.visit_application_start(
        visit=visit, actor=cast.rini, service=builders.village_letter()
    )
    url = reverse("assisted:receipt", args=[application.public_id])

    assert client_for(cast.rini).get(url).status_code == 403  # still a draft
    for persona in (cast.siti, cast.budi, cast.andi):
        assert client_for(persona).get(url).status_code == 403
    assert client_for(visit.citizen).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_paper_consent_through_the_page(cast):
    client = client_for(cast.rini)
    client.post(HOME, register_post(cast, phone=""))
    visit = Visit.objects.get()
    url = reverse("assisted:visit", args=[visit.public_id])

    page = client.get(url)
    assert "Kirim kode" not in page.content.decode()
    assert client.get(reverse("assisted:consent_form", args=[visit.public_id])).status_code == 200
    empty = client.post(url, {"langkah": "kertas"})
    assert empty.status_code == 200
    assert "Pilih berkas" in empty.content.decode()
    saved = client.post(url, {"langkah": "kertas", "scan": scan()})
    assert saved.status_code == 302
    visit.refresh_from_db()
    assert visit.consent == Visit.Consent.PAPER
    assert visit.consent_scan


def test_the_citizen_sees_the_application_was_filed_on_their_behalf(cast):
    visit = consented_visit(cast)
    application = services.visit_application_start(
        visit=visit, actor=cast.rini, service=builders.village_letter()
    )

    page = client_for(visit.citizen).get(reverse("applications:detail", args=[application.public_id]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Diajukan oleh operator Rini Lestari" in body
    assert cast.world.desa_tanjung_raja.name in body


def test_the_nik_never_appears_in_an_address_a_log_or_an_audit_row(cast, fake_gateway, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for(cast.rini)
    addresses: list[str] = []
    searched = client.post(HOME, {"langkah": "cari", "nik": VILLAGER_NIK})
    registered_page = client.post(HOME, register_post(cast))
    addresses.append(registered_page["Location"])
    visit = Visit.objects.get()
    url = reverse("assisted:visit", args=[visit.public_id])
    addresses.append(client.post(url, {"langkah": "kirim"})["Location"])
    addresses.append(
        client.post(url, {"langkah": "kode", "code": code_sent_to(fake_gateway, "+6281277770001")})[
            "Location"
        ]
    )
    visit_page = client.get(url).content.decode()
    addresses += re.findall(r'(?:href|action)="([^"]+)"', searched.content.decode() + visit_page)

    assert addresses
    assert not [address for address in addresses if VILLAGER_NIK in address]
    assert VILLAGER_NIK not in caplog.text
    assert VILLAGER_NIK not in visit_page  # masked on the operator's page
    for row in AuditEvent.objects.all():
        assert VILLAGER_NIK not in row.details_text
        assert VILLAGER_NIK not in row.object_id


def test_kiosk_mode_signs_out_after_the_idle_time_and_leaves_nothing_behind(cast, settings):
    client = client_for(cast.rini)
    switched = client.post(reverse("assisted:kiosk"), {"mode": "on"})
    assert switched.status_code == 302
    assert client.session[kiosk.SESSION_KEY] == settings.KIOSK_IDLE_SECONDS
    assert client.session.get_expiry_age() == settings.KIOSK_IDLE_SECONDS

    page = client.get(HOME)
    assert page.status_code == 200
    assert 'id="kios"' in page.content.decode()
    assert "Saya masih di sini" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    here = client.post(reverse("assisted:kiosk_here"), headers={"X-Requested-With": "fetch"})
    assert here.status_code == 204

    session = client.session
    session[kiosk.SEEN_KEY] = session[kiosk.SEEN_KEY] - settings.KIOSK_IDLE_SECONDS - 1
    session.save()
    expired = client.get(HOME)
    assert expired.status_code == 302
    assert expired["Location"] == reverse("accounts:login")
    assert expired["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302  # signed out: sent to sign in
    assert AuditEvent.objects.filter(action="accounts.sign_out", actor=cast.rini).exists()


def test_kiosk_mode_is_only_switched_by_operators(cast):
    for persona in (cast.siti, cast.budi):
        client = client_for(persona)
        assert client.post(reverse("assisted:kiosk"), {"mode": "on"}).status_code == 403
        assert kiosk.SESSION_KEY not in client.session


def test_a_consent_given_at_another_office_does_not_start_an_application(cast):
    """Rini moved to another desa's office after the visit: the consent was given to the old office."""
    visit = consented_visit(cast)
    service = builders.village_letter()
    cast.rini.office = builders.village_office_for("18.03.04.2010", cast.world)
    cast.rini.save(update_fields=["office"])

    response = client_for(cast.rini).post(
        reverse("assisted:visit", args=[visit.public_id]), {"langkah": "mulai", "service": service.pk}
    )

    assert response.status_code == 403  # the visit is not of the office Rini serves now
    assert not Application.objects.exists()
    visit.refresh_from_db()
    assert visit.application is None
