"""The summary refreshes a change queues: one per item and transaction, exact, and never lost."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from layanan.complaints.models import Report
from layanan.complaints.tests import domain_builders as d
from layanan.complaints.workflow import WORKFLOW
from layanan.monitoring import services, tasks
from layanan.monitoring.models import Kind, OpenItem, ReportDaily
from layanan.monitoring.tasks import COALESCED, RETRY_DELAYS, monitoring_item_refresh

pytestmark = pytest.mark.django_db

REFRESH = "layanan.monitoring.tasks.monitoring_item_refresh"


def refreshes() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=REFRESH).order_by("enqueued_at"))


def committed() -> None:
    """The test's own transaction never commits: forget what it had pending, as a commit would."""
    transaction.get_connection().run_on_commit.clear()


def run_queued() -> int:
    """What a worker does: run every refresh that is due, once each, oldest first."""
    ran = 0
    for row in DBTaskResult.objects.ready().filter(task_path=REFRESH).order_by("enqueued_at"):
        if DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.READY).exists():
            DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.RUNNING)
            monitoring_item_refresh.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.SUCCESSFUL)
            ran += 1
    return ran


def test_a_submit_queues_one_refresh_of_its_report_though_it_saves_the_report_and_an_event(cast):
    report = d.submitted(cast)

    assert [(r.args_kwargs["args"], r.status) for r in refreshes()] == [
        ([Kind.REPORT, report.pk], TaskResultStatus.READY)
    ]


def test_several_events_of_one_report_in_one_transaction_queue_one_refresh(cast):
    report = d.submitted(cast)
    committed()
    DBTaskResult.objects.all().delete()

    with transaction.atomic():
        for n in range(3):
            WORKFLOW.event(Report.objects.get(pk=report.pk), "note", None, f"catatan {n}", internal=True)

    assert [r.args_kwargs["args"] for r in refreshes()] == [[Kind.REPORT, report.pk]]


def test_a_refresh_rolled_back_with_its_savepoint_is_queued_again_by_the_next_change(cast):
    report = d.submitted(cast)
    committed()
    DBTaskResult.objects.all().delete()

    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012
            WORKFLOW.event(report, "note", None, "dibatalkan", internal=True)
            raise RuntimeError("the inner step failed")
        assert refreshes() == []  # rolled back with the savepoint
        WORKFLOW.event(report, "note", None, "tetap", internal=True)

    assert [r.args_kwargs["args"] for r in refreshes()] == [[Kind.REPORT, report.pk]]


def test_the_summary_is_right_once_the_queued_refresh_ran(cast):
    report = d.submitted(cast)
    assert not ReportDaily.objects.exists()  # nothing before the worker ran

    assert run_queued() == 1

    day = services.wib_day(report.received_at)
    assert ReportDaily.objects.filter(day=day).values_list("received", flat=True).get() == 1
    assert OpenItem.objects.filter(kind=Kind.REPORT, item_id=report.pk).exists()


def test_a_refresh_covers_the_refreshes_of_the_same_item_queued_before_it(cast):
    report = d.submitted(cast)
    monitoring_item_refresh.enqueue(Kind.REPORT, report.pk)  # a later change of the same report
    before = [r.pk for r in refreshes()]
    assert len(before) == 2

    assert monitoring_item_refresh.call(Kind.REPORT, report.pk) == 1

    assert [(r.status, r.return_value) for r in refreshes()] == [(TaskResultStatus.SUCCESSFUL, COALESCED)] * 2
    assert ReportDaily.objects.get().received == 1


def test_a_refresh_takes_the_queued_refreshes_of_other_items_of_its_kind_in_one_batch(cast):
    reports = [d.submitted(cast) for _ in range(3)]
    monitoring_item_refresh.enqueue(Kind.REPORT, reports[0].pk)  # a twin of the first
    monitoring_item_refresh.enqueue(Kind.APPLICATION, 999_999)  # another kind: not in the batch
    later = monitoring_item_refresh.using(run_after=timezone.now() + timedelta(hours=1))
    deferred = later.enqueue(Kind.REPORT, reports[1].pk).id  # not due yet: left for its time
    queued = {r.pk: r.args_kwargs["args"] for r in refreshes()}

    with mock.patch.object(services, "items_refresh", wraps=services.items_refresh) as batch:
        monitoring_item_refresh.call(Kind.REPORT, reports[2].pk)

    assert batch.call_count == 1
    assert sorted(batch.call_args.kwargs["ids"]) == sorted(r.pk for r in reports)
    assert batch.call_args.kwargs["ids"][0] == reports[2].pk  # its own item first
    statuses = {r.pk: (r.status, r.return_value) for r in refreshes()}
    for pk, (kind, _item) in queued.items():
        if kind == Kind.REPORT and str(pk) != str(deferred):
            assert statuses[pk] == (TaskResultStatus.SUCCESSFUL, COALESCED)
        else:
            assert statuses[pk] == (TaskResultStatus.READY, None)
    assert sum(ReportDaily.objects.values_list("received", flat=True)) == 3
    assert OpenItem.objects.filter(kind=Kind.REPORT).count() == 3


def test_a_batch_takes_at_most_its_bound_of_items_and_leaves_the_rest_queued(cast, monkeypatch):
    monkeypatch.setattr(tasks, "BATCH_ITEMS", 2)
    reports = [d.submitted(cast) for _ in range(4)]

    monitoring_item_refresh.call(Kind.REPORT, reports[0].pk)

    done = [r.args_kwargs["args"][1] for r in refreshes() if r.status == TaskResultStatus.SUCCESSFUL]
    waiting = [r.args_kwargs["args"][1] for r in refreshes() if r.status == TaskResultStatus.READY]
    assert done == [reports[0].pk, reports[1].pk]  # its own item and the oldest other one
    assert waiting == [reports[2].pk, reports[3].pk]
    assert sum(ReportDaily.objects.values_list("received", flat=True)) == 2
    assert run_queued() == 1  # the next refresh takes the two left
    assert sum(ReportDaily.objects.values_list("received", flat=True)) == 4


def test_a_retry_refreshes_its_own_item_alone(cast):
    reports = [d.submitted(cast) for _ in range(2)]

    with mock.patch.object(services, "items_refresh", wraps=services.items_refresh) as batch:
        monitoring_item_refresh.call(Kind.REPORT, reports[0].pk, attempt=1)

    assert batch.call_args.kwargs["ids"] == [reports[0].pk]
    assert {r.args_kwargs["args"][1]: r.status for r in refreshes()} == {
        reports[0].pk: TaskResultStatus.SUCCESSFUL,  # its twin, covered
        reports[1].pk: TaskResultStatus.READY,
    }


def test_a_batch_killed_midway_leaves_every_refresh_it_took_to_run_again(cast):
    """A batch cut short after some days committed: nothing marked done, each refresh runs again."""
    old = d.submitted(cast)
    committed()
    Report.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    reports = [old, *(d.submitted(cast) for _ in range(3))]
    queued = refreshes()
    assert len(queued) == 4
    real = services.facts_rebuild_day
    calls = []

    def dies_on_the_second_day(**kwargs: object) -> None:
        calls.append(kwargs["day"])
        if len(calls) == 2:
            raise RuntimeError("killed midway")
        real(**kwargs)  # type: ignore[arg-type]

    with (
        mock.patch.object(services, "facts_rebuild_day", side_effect=dies_on_the_second_day),
        pytest.raises(RuntimeError),
    ):
        monitoring_item_refresh.call(Kind.REPORT, reports[1].pk)

    assert len(calls) == 2  # the first day was rebuilt and committed, then it died
    assert all(DBTaskResult.objects.get(pk=r.pk).status == TaskResultStatus.READY for r in queued)
    retry = DBTaskResult.objects.filter(task_path=REFRESH, args_kwargs__kwargs__attempt=1).get()
    assert retry.args_kwargs["args"] == [Kind.REPORT, reports[1].pk]  # its own item, later
    assert retry.run_after > timezone.now()

    assert run_queued() == 1  # one batch takes all four again
    assert sum(ReportDaily.objects.values_list("received", flat=True)) == 4
    assert OpenItem.objects.filter(kind=Kind.REPORT).count() == 4


def test_a_refresh_that_fails_midway_leaves_the_item_to_be_refreshed_again(cast):
    report = d.submitted(cast)
    queued = refreshes()

    with (
        mock.patch.object(services, "facts_rebuild_day", side_effect=RuntimeError("killed midway")),
        pytest.raises(RuntimeError),
    ):
        monitoring_item_refresh.call(Kind.REPORT, report.pk)

    # The refresh queued by the submit was not marked done, and a retry is queued for later.
    assert DBTaskResult.objects.get(pk=queued[0].pk).status == TaskResultStatus.READY
    retry = DBTaskResult.objects.filter(task_path=REFRESH, args_kwargs__kwargs__attempt=1).get()
    assert retry.args_kwargs["args"] == [Kind.REPORT, report.pk]
    assert retry.run_after > timezone.now()  # RETRY_DELAYS[0] seconds later
    assert not ReportDaily.objects.exists()

    assert run_queued() == 1  # the first refresh runs again (the retry is not due yet)
    assert ReportDaily.objects.get().received == 1
    assert OpenItem.objects.filter(kind=Kind.REPORT, item_id=report.pk).exists()


def test_after_the_last_retry_the_reconciliation_is_left_to_repair(cast):
    report = d.submitted(cast)
    DBTaskResult.objects.all().delete()

    with (
        mock.patch.object(services, "items_refresh", side_effect=RuntimeError("always")),
        pytest.raises(RuntimeError),
    ):
        monitoring_item_refresh.call(Kind.REPORT, report.pk, attempt=len(RETRY_DELAYS))

    assert refreshes() == []
