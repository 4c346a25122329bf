"""The one case engine (``layanan.cases.workflow``) takes every step of both case types alike.

Each test runs for an application and for a report: eight people taking the same step at once
on one case make one change (PostgreSQL, whose writers really wait on the row lock); a stale
version changes nothing; a stranger is refused before anything is read; a step not in the
table is refused in plain Indonesian; and the event, the audit row and the notice are written
in the step's transaction or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from layanan.accounts.models import Role
from layanan.applications import services as application_services
from layanan.applications.models import Application
from layanan.applications.tests import builders as application_builders
from layanan.applications.workflow import WORKFLOW as APPLICATION_WORKFLOW
from layanan.audit.models import AuditEvent
from layanan.cases.workflow import ConcurrentChange, Transition, TransitionNotAllowed, Workflow
from layanan.complaints import services as report_services
from layanan.complaints.models import Report
from layanan.complaints.tests import domain_builders as report_builders
from layanan.complaints.workflow import WORKFLOW as REPORT_WORKFLOW
from layanan.complaints.workflow import ReportWorkflow
from layanan.notifications.models import Message
from layanan.testing.concurrency import THREADS_NEED_POSTGRES, at_once


@dataclass
class Case:
    """One case type as the tests drive it: a case ready for ``take``, and who may take it."""

    workflow: Workflow
    case: Any
    actors: list[Any]  # eight staff who may all take the step
    stranger: Any  # staff of another office: no part in the case
    take: Callable[[Any, Any, int], Any]  # take(case, actor, expected_version)
    wrong: Callable[[Any, Any], Any]  # a step the table does not allow now
    action: str
    event: str  # the notice the step sends


def application_case(cast: Any) -> Case:
    world = cast.world
    application = application_builders.submitted(application_builders.dukcapil_service(world), cast.siti)
    colleagues = [application_builders.staff(role=Role.OFFICER, office=world.disdukcapil) for _ in range(7)]

    def wrong(case: Any, actor: Any) -> Any:
        return application_services.application_process(
            application=case, actor=actor, expected_version=case.version
        )

    return Case(
        workflow=APPLICATION_WORKFLOW,
        case=application,
        actors=[cast.budi, *colleagues],
        stranger=cast.andi,
        take=lambda case, actor, version: application_services.application_claim(
            application=case, actor=actor, expected_version=version
        ),
        wrong=wrong,
        action="claim",
        event="",
    )


def report_case(cast: Any) -> Case:
    report = report_builders.submitted(cast)
    coordinators = [application_builders.staff(role=Role.ADMIN, office=cast.admin.office) for _ in range(7)]

    def wrong(case: Any, actor: Any) -> Any:
        return report_services.report_start(report=case, actor=actor, expected_version=case.version)

    return Case(
        workflow=REPORT_WORKFLOW,
        case=report,
        actors=[cast.admin, *coordinators],
        stranger=cast.andi,
        take=lambda case, actor, version: report_services.report_postpone(
            report=case, actor=actor, expected_version=version, reason="Menunggu foto lokasi."
        ),
        wrong=wrong,
        action="postpone",
        event="report.postponed",
    )


CASES = {"application": application_case, "report": report_case}


def fresh(case: Case) -> Any:
    return case.workflow.model._default_manager.get(pk=case.case.pk)


def events_of(case: Case, action: str) -> int:
    model = case.workflow.events
    return model._default_manager.filter(**{case.workflow.event_case_field: case.case}, action=action).count()


def audited(case: Case, action: str) -> int:
    return AuditEvent.objects.filter(
        action=f"{case.workflow.audit_prefix}.{action}", object_id=str(case.case.pk)
    ).count()


@pytest.fixture(params=sorted(CASES))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --- sequential: both databases ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_version_changes_nothing_and_says_to_reload(cast, kind):
    case = CASES[kind](cast)
    seen = case.case.version
    case.take(fresh(case), case.actors[0], seen)
    messages_before = Message.objects.count()

    with pytest.raises(ConcurrentChange) as stale:
        case.take(fresh(case), case.actors[1], seen)

    assert "Muat ulang halaman" in str(stale.value)
    assert fresh(case).version == seen + 1
    assert events_of(case, case.action) == 1
    assert audited(case, case.action) == 1
    assert Message.objects.count() == messages_before


@pytest.mark.django_db
def test_a_stranger_is_refused_before_the_version_is_read(cast, kind):
    case = CASES[kind](cast)
    seen = case.case.version

    with pytest.raises(PermissionDenied):
        case.take(fresh(case), case.stranger, seen - 1)  # stale too: still only "no"

    assert fresh(case).version == seen
    assert events_of(case, case.action) == 0


@pytest.mark.django_db
def test_a_step_the_table_does_not_allow_now_is_refused_in_plain_indonesian(cast, kind):
    case = CASES[kind](cast)
    seen = case.case.version

    with pytest.raises(TransitionNotAllowed) as refused:
        case.wrong(fresh(case), case.actors[0])

    assert "tidak dapat" in str(refused.value)
    assert fresh(case).version == seen


@pytest.mark.django_db
def test_a_step_writes_its_event_audit_row_and_notice_together(cast, kind):
    case = CASES[kind](cast)
    before = set(Message.objects.values_list("key", flat=True))

    seen = case.case.version

    done = case.take(case.case, case.actors[0], seen)

    assert done.version == seen + 1
    assert case.case.version == done.version  # the caller's instance is brought up to date
    assert case.case.status == done.status
    assert events_of(case, case.action) == 1
    assert audited(case, case.action) == 1
    new = Message.objects.exclude(key__in=before)
    if case.event:
        [message] = new
        assert message.event == case.event
        assert message.key == f"{case.workflow.name}:{done.pk}:{case.event.split('.')[1]}:v{done.version}"
    else:
        assert not new.exists()


@pytest.mark.parametrize("workflow", [APPLICATION_WORKFLOW, REPORT_WORKFLOW], ids=["application", "report"])
def test_every_row_of_a_table_joins_statuses_the_case_model_has(workflow):
    statuses = {value for value, _label in workflow.model._meta.get_field("status").flatchoices}
    assert {row.from_status for row in workflow.rows} <= statuses
    assert {row.to_status for row in workflow.rows} <= statuses
    assert {row.otherwise for row in workflow.rows if row.otherwise} <= statuses


def test_a_table_with_an_action_nobody_can_name_is_refused_at_start_up():
    class Broken(ReportWorkflow):
        rows = [
            *ReportWorkflow.rows,
            Transition("received", "fly", "closed", frozenset({"reporter"}), "Away."),
        ]

    with pytest.raises(ValueError, match="no words for \\['fly'\\]"):
        Broken()


def test_a_table_with_two_rows_for_one_step_is_refused_at_start_up():
    class Doubled(ReportWorkflow):
        rows = [*ReportWorkflow.rows, ReportWorkflow.rows[0]]

    with pytest.raises(ValueError, match="two rows"):
        Doubled()


def test_the_engine_derives_names_from_the_models():
    assert (APPLICATION_WORKFLOW.name, APPLICATION_WORKFLOW.event_case_field) == (
        "application",
        "application",
    )
    assert (REPORT_WORKFLOW.name, REPORT_WORKFLOW.event_case_field) == ("report", "report")


# --- threaded: PostgreSQL ---------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason=THREADS_NEED_POSTGRES)
@pytest.mark.django_db(transaction=True)
def test_eight_people_taking_the_same_step_at_once_make_one_change(cast, kind):
    case = CASES[kind](cast)
    seen = case.case.version
    model = case.workflow.model

    def take(number: int) -> int:
        done = case.take(model._default_manager.get(pk=case.case.pk), case.actors[number], seen)
        return int(done.version)

    results, errors = at_once(8, take)

    assert results == [seen + 1]
    assert len(errors) == 7
    assert all(isinstance(error, ConcurrentChange) for error in errors), errors
    assert fresh(case).version == seen + 1
    assert events_of(case, case.action) == 1
    assert audited(case, case.action) == 1
    if case.event:
        assert Message.objects.filter(event=case.event).count() == 1


def test_the_cases_are_the_ones_the_engine_knows():
    assert {APPLICATION_WORKFLOW.model, REPORT_WORKFLOW.model} == {Application, Report}


@pytest.mark.parametrize("workflow", [APPLICATION_WORKFLOW, REPORT_WORKFLOW], ids=["application", "report"])
def test_a_case_app_audits_its_steps_under_its_own_label(workflow):
    assert workflow.audit_prefix == workflow.model._meta.app_label
