"""The workflow table: what may follow what, and who may take each step."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from layanan.accounts.models import Role
from layanan.applications import services, workflow
from layanan.applications.models import CLOSED_STATUSES, Status
from layanan.applications.tests import builders
from layanan.applications.tests.builders import claimed, dukcapil_service, submitted, village_letter
from layanan.applications.workflow import WORKFLOW, Party, TransitionNotAllowed
from layanan.catalogue.models import Service


def test_every_row_has_parties_and_a_description_and_closed_statuses_only_take_notes():
    for (status, action), row in WORKFLOW.table.items():
        assert (row.from_status, row.action) == (status, action)
        assert row.parties, action
        assert row.description, action
        if status in CLOSED_STATUSES:
            assert action == "note"


def test_only_the_applicant_moves_a_draft_and_only_staff_move_a_submission():
    applicant_steps = {a for (s, a), row in WORKFLOW.table.items() if Party.APPLICANT in row.parties}
    assert applicant_steps == {"edit", "submit", "resubmit", "withdraw"}
    assert WORKFLOW.table[(Status.SUBMITTED, "claim")].parties == {Party.VERIFIER}
    assert WORKFLOW.table[(Status.SIGNING, "sign")].parties == {Party.SIGNER}
    assert (Status.COMPLETED, "approve") not in WORKFLOW.table
    assert (Status.REJECTED, "withdraw") not in WORKFLOW.table


def test_the_system_only_approves_or_rejects_an_application_being_processed():
    system_steps = {key for key, row in WORKFLOW.table.items() if Party.SYSTEM in row.parties}
    assert system_steps == {(Status.PROCESSING, "approve"), (Status.PROCESSING, "reject")}


@pytest.mark.django_db
def test_the_system_is_no_party_of_a_step_outside_its_rows(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)  # verifying
    assert WORKFLOW.parties_of(None, application) == {Party.SYSTEM}
    assert WORKFLOW.allowed_actions(None, application) == frozenset()
    with pytest.raises(TransitionNotAllowed):
        services.application_approve(
            application=application, actor=None, expected_version=application.version
        )
    assert builders.reloaded(application).status == Status.VERIFYING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (Service.Output.LETTER, Status.SIGNING),
        (Service.Output.SIAK, Status.COMPLETED),
        ("none", Status.COMPLETED),
    ],
)
def test_approval_leads_to_signing_only_for_a_letter(cast, output, expected):
    application = claimed(submitted(dukcapil_service(cast.world, output=output), cast.siti), cast.budi)

    assert workflow.WORKFLOW.target(WORKFLOW.table[(Status.VERIFYING, "approve")], application) == expected


@pytest.mark.django_db
def test_a_resubmission_goes_back_to_the_officer_holding_it_else_to_the_new_queue(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)
    row = WORKFLOW.table[(Status.REVISION, "resubmit")]

    assert workflow.WORKFLOW.target(row, application) == Status.VERIFYING
    application.assigned_to = None
    assert workflow.WORKFLOW.target(row, application) == Status.SUBMITTED


@pytest.mark.django_db
def test_the_parties_follow_the_services_roles(cast):
    dukcapil = submitted(dukcapil_service(cast.world), cast.siti)
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    letter = submitted(village_letter(), villager)

    assert workflow.WORKFLOW.parties_of(cast.siti, dukcapil) == {Party.APPLICANT}
    assert workflow.WORKFLOW.parties_of(cast.budi, dukcapil) == {Party.VERIFIER, Party.DECIDER}
    assert workflow.WORKFLOW.parties_of(cast.sekar, dukcapil) == {Party.SIGNER}
    assert workflow.WORKFLOW.parties_of(cast.rini, letter) == {Party.VERIFIER, Party.DECIDER}
    for outsider in (cast.andi, cast.rini, cast.bupati, cast.auditor, cast.admin):
        assert workflow.WORKFLOW.parties_of(outsider, dukcapil) == frozenset()


@pytest.mark.django_db
def test_allowed_actions_offer_each_persona_only_their_steps(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)

    assert workflow.WORKFLOW.allowed_actions(cast.siti, application) == {"withdraw"}
    assert workflow.WORKFLOW.allowed_actions(cast.budi, application) == {"claim", "assign", "forward", "note"}
    assert workflow.WORKFLOW.allowed_actions(cast.sekar, application) == {"note"}
    assert workflow.WORKFLOW.allowed_actions(cast.andi, application) == frozenset()
    assert workflow.WORKFLOW.allowed_actions(cast.bupati, application) == frozenset()


@pytest.mark.django_db
def test_transition_for_refuses_outsiders_and_steps_not_in_the_table(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)

    assert workflow.WORKFLOW.transition_for(cast.budi, application, "claim").to_status == Status.VERIFYING
    with pytest.raises(PermissionDenied):
        workflow.WORKFLOW.transition_for(cast.andi, application, "claim")
    with pytest.raises(TransitionNotAllowed) as refused:
        workflow.WORKFLOW.transition_for(cast.budi, application, "sign")
    assert (
        str(refused.value)
        == "Permohonan berstatus “Diterima, menunggu diperiksa” tidak dapat ditandatangani."
    )
    with pytest.raises(ValueError, match="unknown workflow action"):
        workflow.WORKFLOW.transition_for(cast.budi, application, "teleport")


@pytest.mark.django_db
def test_a_kecamatan_operator_reads_a_desa_application_but_does_not_handle_it(cast):
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    letter = submitted(village_letter(), villager)
    camat_operator = builders.staff(role=Role.OPERATOR, office=cast.world.kec_tanjung_raja)

    assert workflow.WORKFLOW.parties_of(camat_operator, letter) == frozenset()
