"""The permission table as a matrix: every action, every persona, own and other offices."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from layanan.accounts import permissions
from layanan.accounts.models import Role
from layanan.accounts.permissions import RULES, UnknownActionError, can, require
from layanan.accounts.tests.builders import citizen, staff, village, village_office

PERSONAS = ("anonymous", "siti", "budi", "andi", "rini", "bupati", "auditor", "admin", "sekar")

# (action, object) → the personas who may. Objects are named from the test world:
# Budi and Sekar work at Disdukcapil, Andi at Dinas PUPR, Rini at the desa office
# of Tanjung Raja (kecamatan Tanjung Raja), Siti lives in Kotabumi Pasar.
EXPECTED: dict[tuple[str, str | None], set[str]] = {
    ("admin.site", None): {"admin"},
    ("audit.read", None): {"auditor", "admin"},
    ("dashboard.read", None): {"bupati", "admin"},
    ("dashboard.read", "disdukcapil"): {"bupati", "admin"},
    ("dashboard.read", "pupr"): {"bupati", "admin"},
    ("dashboard.read", "kotabumi"): {"bupati", "admin"},
    ("office.queue.read", None): {"budi", "andi", "rini", "sekar"},
    ("office.queue.read", "disdukcapil"): {"budi", "sekar"},
    ("office.queue.read", "pupr"): {"andi"},
    ("office.queue.read", "desa_tanjung_raja"): {"rini"},
    ("office.queue.read", "kec_tanjung_raja"): set(),
    ("office.queue.read", "kec_kotabumi"): set(),
    ("citizen.identity.lookup", None): {"budi", "andi", "rini", "admin"},
    ("citizen.identity.read", None): {"siti"},
    ("citizen.identity.read", "siti"): {"siti"},
    ("citizen.identity.read", "other_citizen"): set(),
    ("citizen.identity.write", None): {"siti", "budi", "andi", "rini", "bupati", "auditor", "admin", "sekar"},
    ("citizen.identity.write", "siti"): {"siti", "budi", "andi", "admin"},  # Rini serves Tanjung Raja only
    ("citizen.identity.write", "tanjung_raja_citizen"): {"budi", "andi", "rini", "admin"},
    ("citizen.identity.write", "disdukcapil"): set(),
    ("user.manage", None): {"admin"},
    # Assisted service: operators (and administrators) serve walk-in citizens and visits within reach.
    ("assisted.serve", None): {"rini", "admin"},
    ("assisted.serve", "siti"): {"admin"},  # Siti lives in Kotabumi, outside Rini's desa
    ("assisted.serve", "tanjung_raja_citizen"): {"rini", "admin"},
    ("assisted.serve", "desa_tanjung_raja"): {"rini", "admin"},  # a visit at that office
    ("assisted.serve", "disdukcapil"): {"admin"},
    # Applications: Siti's at Disdukcapil (officers verify, Sekar signs), and a villager's letter at
    # the desa office of Tanjung Raja (Rini verifies and decides).
    ("application.apply", None): {"siti", "rini"},
    ("application.apply", "siti"): {"siti"},
    ("application.apply", "tanjung_raja_citizen"): {"rini"},
    ("application.read", None): {"siti", "budi", "andi", "rini", "bupati", "auditor", "admin", "sekar"},
    ("application.read", "application_disdukcapil"): {"siti", "budi", "sekar", "bupati", "auditor", "admin"},
    ("application.read", "application_desa"): {"rini", "bupati", "auditor", "admin"},
    ("application.handle", None): {"budi", "andi", "rini", "sekar"},
    ("application.handle", "disdukcapil"): {"budi", "sekar"},
    ("application.handle", "application_disdukcapil"): {"budi", "sekar"},
    ("application.handle", "application_desa"): {"rini"},
    ("application.attachment.read", None): {"siti", "budi", "andi", "rini", "sekar"},
    ("application.attachment.read", "attachment_disdukcapil"): {"siti", "budi", "sekar"},
    ("document.sign", None): {"sekar"},
    ("document.sign", "disdukcapil"): {"sekar"},
    ("document.sign", "pupr"): set(),
    ("document.issue", None): {"budi", "andi", "rini", "sekar"},
    ("document.issue", "application_disdukcapil"): {"sekar"},
    ("document.issue", "application_desa"): set(),
    ("document.revoke", None): {"budi", "andi", "rini", "sekar", "admin"},
    ("document.revoke", "document_disdukcapil"): {"sekar", "admin"},
    ("servicepoint.manage", None): {"rini", "admin"},
    ("servicepoint.manage", "desa_tanjung_raja"): {"rini", "admin"},
    ("servicepoint.manage", "kec_tanjung_raja"): {"admin"},
    ("servicepoint.manage", "disdukcapil"): {"admin"},
    ("announcement.write", None): {"budi", "andi", "rini", "sekar", "admin"},
    ("announcement.write", "disdukcapil"): {"budi", "sekar", "admin"},
    ("announcement.write", "desa_tanjung_raja"): {"rini", "admin"},
    ("announcement.write", "kec_tanjung_raja"): {"admin"},
    ("announcement.subscribe", None): {"siti"},
    ("office.letterhead.write", None): {"rini", "sekar", "admin"},
    ("office.letterhead.write", "desa_tanjung_raja"): {"rini", "admin"},
    ("office.letterhead.write", "disdukcapil"): {"sekar", "admin"},
    ("office.letterhead.write", "kec_tanjung_raja"): {"admin"},
    ("document.download", None): {"siti", "budi", "andi", "rini", "sekar"},
    ("document.download", "document_disdukcapil"): {"siti", "budi", "sekar"},
    # Reports: Siti's, verified and disposed to Disdukcapil.
    ("report.verify", None): {"admin"},
    ("report.verify", "report_disdukcapil"): {"admin"},
    ("report.handle", None): {"budi", "andi", "rini"},
    ("report.handle", "report_disdukcapil"): {"budi"},
    ("report.read", None): {"siti", "budi", "andi", "rini", "bupati", "auditor", "admin", "sekar"},
    ("report.read", "report_disdukcapil"): {"siti", "budi", "sekar", "bupati", "auditor", "admin"},
    ("message.log.read", None): {"auditor", "admin"},
    # -- notifications rows --
    # -- monitoring rows --
    ("survey.report.read", None): {"budi", "andi", "rini", "bupati", "auditor", "admin", "sekar"},
    ("survey.report.read", "disdukcapil"): {"budi", "sekar", "bupati", "auditor", "admin"},
    ("survey.report.read", "pupr"): {"andi", "bupati", "auditor", "admin"},
    ("survey.report.read", "desa_tanjung_raja"): {"rini", "bupati", "auditor", "admin"},
    ("survey.report.read", "kec_tanjung_raja"): {"bupati", "auditor", "admin"},
    ("survey.suggestions.read", None): {"budi", "andi", "rini", "sekar"},
    ("survey.suggestions.read", "disdukcapil"): {"budi", "sekar"},
    ("survey.suggestions.read", "pupr"): {"andi"},
    ("survey.suggestions.read", "desa_tanjung_raja"): {"rini"},
    # -- survey rows --
    ("feedback.read", None): {"bupati", "admin"},
    ("feedback.manage", None): {"admin"},
    # -- feedback rows --
    # Aspirations (Musrenbang): an usulan of desa Tanjung Raja, proposed by a villager there.
    ("aspiration.propose", None): {"siti"},
    ("aspiration.support", None): {"siti"},
    ("aspiration.support", "usulan_desa"): set(),  # Siti lives in Kotabumi Pasar, not Tanjung Raja
    ("aspiration.support", "kotabumi_pasar"): {"siti"},
    ("aspiration.manage", None): {"rini", "admin"},
    ("aspiration.manage", "usulan_desa"): {"rini", "admin"},
    ("aspiration.manage", "kotabumi_pasar"): {"admin"},
    ("aspiration.photo.read", None): {"siti", "rini", "admin"},
    ("aspiration.photo.read", "usulan_desa"): {"rini", "admin"},
}


def _actor(cast: Any, name: str) -> Any:
    return AnonymousUser() if name == "anonymous" else cast.all()[name]


def _object(cast: Any, name: str | None) -> object | None:
    if name is None:
        return None
    if name == "siti":
        return cast.siti
    if name == "other_citizen":
        return citizen()
    if name == "tanjung_raja_citizen":
        return citizen(home_region=cast.world.tanjung_raja_desa)
    if name == "kotabumi":
        return cast.world.kotabumi
    if name.startswith("document_"):
        from layanan.applications.models import Application
        from layanan.documents.models import Document

        application = _application_object(cast, name.replace("document_", "application_"))
        assert isinstance(application, Application)
        return Document(
            owner=application.applicant,
            owner_agent=application.submitted_by,
            service=application.service,
            office=application.office,
        )
    if name == "usulan_desa":
        from layanan.aspirations.tests.builders import usulan

        return usulan(cast)
    if name == "report_disdukcapil":
        from layanan.complaints.tests.domain_builders import disposed

        return disposed(cast)
    if name.startswith(("application_", "attachment_")):
        return _application_object(cast, name)
    return getattr(cast.world, name)


def _application_object(cast: Any, name: str) -> object:
    from layanan.applications import services
    from layanan.applications.tests import builders

    if name == "application_desa":
        villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
        return builders.submitted(builders.village_letter(), villager)
    application = builders.submitted(builders.dukcapil_service(cast.world), cast.siti)
    if name == "application_disdukcapil":
        return application
    application = builders.claimed(application, cast.budi)
    ktp = application.checks.get(requirement__code="ktp")
    services.requirement_review(check=ktp, actor=cast.budi, accepted=False, reason="Buram.")
    services.application_request_revision(
        application=application, actor=cast.budi, expected_version=application.version
    )
    services.requirement_provide(
        application=application,
        actor=cast.siti,
        requirement=ktp.requirement,
        provision="upload",
        upload=builders.png_upload(),
    )
    return application.attachments.get()


def test_every_action_in_the_table_has_rows_in_this_matrix():
    assert {action for action, _obj in EXPECTED} == set(RULES)


@pytest.mark.parametrize(("action", "obj_name"), list(EXPECTED), ids=lambda value: str(value))
def test_each_persona_gets_exactly_the_expected_answer(cast, action, obj_name):
    obj = _object(cast, obj_name)
    allowed = {name for name in PERSONAS if can(_actor(cast, name), action, obj)}
    assert allowed == EXPECTED[(action, obj_name)]


def test_an_unknown_action_raises_instead_of_allowing(cast):
    with pytest.raises(UnknownActionError):
        can(cast.admin, "audit.raed")
    with pytest.raises(UnknownActionError):
        can(AnonymousUser(), "no.such.action")


def test_require_raises_permission_denied_for_the_refused_persona(cast):
    require(cast.budi, "office.queue.read", cast.world.disdukcapil)
    with pytest.raises(PermissionDenied):
        require(cast.andi, "office.queue.read", cast.world.disdukcapil)


def test_an_inactive_user_may_do_nothing(cast):
    cast.admin.is_active = False
    assert not can(cast.admin, "admin.site")
    assert not can(cast.admin, "audit.read")


def test_the_admin_site_needs_is_staff_as_well_as_the_admin_role(cast):
    cast.admin.is_staff = False
    assert not can(cast.admin, "admin.site")
    assert can(cast.admin, "user.manage")


def test_a_leader_with_an_office_reads_only_that_office_dashboard(cast):
    head_of_pupr = staff(phone="081299990010", role=Role.LEADER, office=cast.world.pupr)
    assert can(head_of_pupr, "dashboard.read", cast.world.pupr)
    assert not can(head_of_pupr, "dashboard.read", cast.world.disdukcapil)
    assert can(cast.bupati, "dashboard.read", cast.world.disdukcapil)


def test_a_camat_leader_reads_the_dashboards_of_the_desa_in_the_kecamatan(cast):
    camat = staff(phone="081299990011", role=Role.LEADER, office=cast.world.kec_tanjung_raja)
    assert can(camat, "dashboard.read", cast.world.desa_tanjung_raja)
    assert can(camat, "dashboard.read", cast.world.tanjung_raja)
    assert not can(camat, "dashboard.read", cast.world.kec_kotabumi)
    assert not can(camat, "dashboard.read", cast.world.disdukcapil)


def test_a_kecamatan_operator_reads_the_queues_of_every_desa_under_it_and_no_other(cast):
    operator = staff(phone="081299990012", role=Role.OPERATOR, office=cast.world.kec_tanjung_raja)
    other_desa = village_office(village("18.03.04.2002", "Suka Sari", cast.world.tanjung_raja))
    kotabumi_desa = village_office(village("18.03.02.1005", "Kotabumi Pasar", cast.world.kotabumi))
    assert can(operator, "office.queue.read", cast.world.kec_tanjung_raja)
    assert can(operator, "office.queue.read", cast.world.desa_tanjung_raja)
    assert can(operator, "office.queue.read", other_desa)
    assert not can(operator, "office.queue.read", kotabumi_desa)
    assert not can(operator, "office.queue.read", cast.world.disdukcapil)
    assert not can(cast.rini, "office.queue.read", other_desa)


def test_objects_are_judged_by_the_office_they_belong_to(cast):
    class Application:
        def __init__(self, office):
            self.office = office

    assert can(cast.budi, "office.queue.read", Application(cast.world.disdukcapil))
    assert not can(cast.andi, "office.queue.read", Application(cast.world.disdukcapil))
    assert can(cast.sekar, "document.sign", Application(cast.world.disdukcapil))
    assert not can(cast.sekar, "document.sign", Application(cast.world.pupr))


def test_an_object_tied_to_nothing_is_refused_rather_than_allowed(cast):
    assert not can(cast.budi, "office.queue.read", object())


def test_staff_handling_a_citizen_may_read_their_identity_through_the_hook(cast, monkeypatch):
    monkeypatch.setattr(
        permissions,
        "CITIZEN_HANDLING_CHECKS",
        [lambda actor, person: actor.office_id == cast.world.disdukcapil.pk],
    )
    # The rule reads the module attribute at call time.
    assert can(cast.budi, "citizen.identity.read", cast.siti)
    assert not can(cast.andi, "citizen.identity.read", cast.siti)
    assert not can(cast.budi, "citizen.identity.read", None)


def test_staff_may_read_their_own_identity(cast):
    assert can(cast.budi, "citizen.identity.read", cast.budi)
