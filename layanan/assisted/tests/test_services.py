"""The assisted service's services: register, consent (code or paper), start, audit on behalf."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from layanan.accounts.models import Role, User
from layanan.accounts.tests.codes import code_sent_to
from layanan.applications import services as application_services
from layanan.applications.models import Application, Status, TimelineEvent
from layanan.applications.tests import builders
from layanan.assisted import services
from layanan.assisted.models import Visit
from layanan.assisted.tests.helpers import VILLAGER_NIK, VILLAGER_PHONE, consented_visit, registered
from layanan.audit.models import AuditEvent
from layanan.core.crypto import blind_index
from layanan.notifications.models import Message

pytestmark = pytest.mark.django_db


def test_rini_registers_a_walk_in_and_the_nik_is_stored_sealed_and_findable_by_its_hash(cast):
    citizen, created = services.citizen_register(
        actor=cast.rini,
        full_name="Pak Darmo",
        phone=VILLAGER_PHONE,
        nik=VILLAGER_NIK,
        home_region=cast.world.tanjung_raja_desa,
    )

    assert created is True
    citizen.refresh_from_db()
    assert citizen.role == Role.CITIZEN
    assert citizen.nik == VILLAGER_NIK
    assert citizen.nik_hash == blind_index(VILLAGER_NIK, purpose="nik")
    assert not citizen.has_usable_password()
    assert services.citizen_find(actor=cast.rini, nik=VILLAGER_NIK) == citizen
    row = AuditEvent.objects.get(action="assisted.citizen_register")
    assert row.actor == cast.rini
    assert row.details["on_behalf_of"] == citizen.pk
    assert VILLAGER_NIK not in row.details_text


def test_the_same_walk_in_registered_twice_is_one_citizen(cast):
    first = registered(cast)
    again, created = services.citizen_register(
        actor=cast.rini,
        full_name="Pak Darmo",
        phone=VILLAGER_PHONE,
        nik=VILLAGER_NIK,
        home_region=cast.world.tanjung_raja_desa,
    )

    assert created is False
    assert again == first
    assert User.objects.filter(full_name="Pak Darmo").count() == 1


def test_a_walk_in_without_a_phone_gets_a_placeholder_that_reaches_nobody(cast):
    citizen = registered(cast, phone="")

    assert not services.has_reachable_phone(citizen)
    visit = services.visit_open(actor=cast.rini, citizen=citizen)
    with pytest.raises(services.AssistedError):
        services.consent_code_send(visit=visit, actor=cast.rini)


def test_a_phone_another_account_holds_is_refused_and_nobody_is_registered(cast):
    with pytest.raises(services.AssistedError):
        services.citizen_register(
            actor=cast.rini,
            full_name="Pak Darmo",
            phone=cast.siti.phone,
            nik=VILLAGER_NIK,
            home_region=cast.world.tanjung_raja_desa,
        )
    assert not User.objects.filter(full_name="Pak Darmo").exists()


def test_an_officer_or_a_citizen_may_not_register_or_find_walk_ins(cast):
    for persona in (cast.budi, cast.siti, cast.andi):
        with pytest.raises(PermissionDenied):
            services.citizen_register(
                actor=persona,
                full_name="Pak Darmo",
                phone="",
                nik=VILLAGER_NIK,
                home_region=cast.world.tanjung_raja_desa,
            )
        with pytest.raises(PermissionDenied):
            services.citizen_find(actor=persona, nik=VILLAGER_NIK)
    assert not User.objects.filter(full_name="Pak Darmo").exists()


def test_rini_may_not_register_a_citizen_of_another_desa(cast):
    with pytest.raises(PermissionDenied):
        services.citizen_register(
            actor=cast.rini,
            full_name="Bu Lain",
            phone="",
            nik=VILLAGER_NIK,
            home_region=cast.world.kotabumi_pasar,
        )
    assert not User.objects.filter(full_name="Bu Lain").exists()


def test_rini_may_not_open_a_visit_for_a_citizen_out_of_her_reach(cast):
    with pytest.raises(PermissionDenied):
        services.visit_open(actor=cast.rini, citizen=cast.siti)
    assert not Visit.objects.exists()


def test_the_consent_code_goes_to_the_citizens_phone_and_read_back_records_consent(cast, fake_gateway):
    citizen = registered(cast)
    visit = services.visit_open(actor=cast.rini, citizen=citizen)

    services.consent_code_send(visit=visit, actor=cast.rini)
    code = code_sent_to(fake_gateway, VILLAGER_PHONE)
    with pytest.raises(services.AssistedError):
        services.consent_code_confirm(
            visit=visit, actor=cast.rini, code="000000" if code != "000000" else "111111"
        )
    services.consent_code_confirm(visit=visit, actor=cast.rini, code=code)

    visit.refresh_from_db()
    citizen.refresh_from_db()
    assert visit.consent == Visit.Consent.CODE
    assert visit.has_consent
    assert visit.code_token == ""
    assert citizen.phone_verified_at is not None  # reading the code back proved the number
    given = AuditEvent.objects.get(action="assisted.consent_given")
    assert given.details["on_behalf_of"] == citizen.pk
    assert given.details["method"] == "code"
    assert code not in given.details_text


def test_the_consent_code_text_tells_the_citizen_to_give_it_to_the_operator(cast, fake_gateway):
    from layanan.accounts.tests.codes import texts_to

    visit = services.visit_open(actor=cast.rini, citizen=registered(cast))
    services.consent_code_send(visit=visit, actor=cast.rini)

    text = texts_to(fake_gateway, VILLAGER_PHONE)[-1]
    assert "persetujuan" in text
    assert cast.world.desa_tanjung_raja.name in text


def test_another_operator_may_not_confirm_rinis_visit(cast, fake_gateway):
    visit = services.visit_open(actor=cast.rini, citizen=registered(cast))
    services.consent_code_send(visit=visit, actor=cast.rini)
    other = builders.staff(role=Role.OPERATOR, office=cast.world.desa_tanjung_raja)

    with pytest.raises(PermissionDenied):
        services.consent_code_confirm(
            visit=visit, actor=other, code=code_sent_to(fake_gateway, VILLAGER_PHONE)
        )
    visit.refresh_from_db()
    assert not visit.has_consent


def test_the_paper_consent_scan_is_stored_encrypted(cast, settings):
    visit = consented_visit(cast)

    assert visit.consent == Visit.Consent.PAPER
    assert visit.consent_scan_type == "image/jpeg"
    raw = (settings.MEDIA_ROOT / visit.consent_scan.name).read_bytes()
    assert not raw.startswith(b"\xff\xd8")  # not a JPEG in clear on disk
    with visit.consent_scan.open("rb") as stored:
        assert stored.read().startswith(b"\xff\xd8")


def test_the_application_cannot_start_before_consent(cast):
    visit = services.visit_open(actor=cast.rini, citizen=registered(cast, phone=""))

    with pytest.raises(services.AssistedError):
        services.visit_application_start(visit=visit, actor=cast.rini, service=builders.village_letter())
    assert not Application.objects.exists()


def test_the_application_starts_once_per_visit_with_the_operator_acting(cast):
    visit = consented_visit(cast)
    service = builders.village_letter()

    first = services.visit_application_start(visit=visit, actor=cast.rini, service=service)
    again = services.visit_application_start(visit=visit, actor=cast.rini, service=service)

    assert first == again
    assert Application.objects.count() == 1
    assert first.applicant == visit.citizen
    assert first.submitted_by == cast.rini
    started = TimelineEvent.objects.get(application=first, action="start")
    assert "Diajukan oleh operator Rini Lestari" in started.message
    assert cast.world.desa_tanjung_raja.name in started.message


def test_every_step_the_operator_takes_is_audited_on_behalf_of_the_citizen(cast):
    visit = consented_visit(cast)
    application = services.visit_application_start(
        visit=visit, actor=cast.rini, service=builders.village_letter()
    )
    for step, answers in builders.ANSWERS.items():
        application_services.application_save_step(
            application=application, actor=cast.rini, step=step, answers=answers
        )
    for requirement in application.service.requirements.all():
        application_services.requirement_provide(
            application=application, actor=cast.rini, requirement=requirement, provision="paper"
        )
    application = application_services.application_submit(
        application=application, actor=cast.rini, submit_key=uuid.uuid4()
    )

    assert application.status == Status.SUBMITTED
    rows = AuditEvent.objects.filter(object_type="applications.application", object_id=str(application.pk))
    assert rows.count() >= 4
    assert all(row.details.get("on_behalf_of") == visit.citizen_id for row in rows)
    assert {row.actor_id for row in rows} == {cast.rini.pk}


def test_the_citizen_gets_the_same_received_message_as_if_they_had_applied(cast, fake_gateway):
    citizen = registered(cast)
    visit = services.visit_open(actor=cast.rini, citizen=citizen)
    services.consent_code_send(visit=visit, actor=cast.rini)
    services.consent_code_confirm(
        visit=visit, actor=cast.rini, code=code_sent_to(fake_gateway, VILLAGER_PHONE)
    )
    application = services.visit_application_start(
        visit=visit, actor=cast.rini, service=builders.village_letter()
    )
    for step, answers in builders.ANSWERS.items():
        application_services.application_save_step(
            application=application, actor=cast.rini, step=step, answers=answers
        )
    for requirement in application.service.requirements.all():
        application_services.requirement_provide(
            application=application, actor=cast.rini, requirement=requirement, provision="paper"
        )
    application_services.application_submit(application=application, actor=cast.rini, submit_key=uuid.uuid4())

    received = Message.objects.filter(event="application.received")
    assert received.count() == 1
    assert received.get().recipient == citizen
