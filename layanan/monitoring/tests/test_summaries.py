"""The summary tables agree with the raw rows, however the events arrive."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Sum

from layanan.applications.models import Application, Status
from layanan.calendars.selectors import working_days_between
from layanan.complaints.models import Report
from layanan.complaints.models import Status as ReportStatus
from layanan.monitoring import services
from layanan.monitoring.models import (
    LEAD_TIME_OVERFLOW,
    ApplicationDaily,
    ApplicationLeadTime,
    Kind,
    OpenItem,
    ReportDaily,
    ReportLeadTime,
)
from layanan.monitoring.tasks import monitoring_item_refresh, monitoring_reconcile
from layanan.monitoring.tests import builders as b

pytestmark = pytest.mark.django_db


def application_facts_from_summaries() -> dict[str, Counter[tuple[object, ...]]]:
    found: dict[str, Counter[tuple[object, ...]]] = {}
    for name in ("received", "completed", "completed_on_time", "rejected"):
        rows = ApplicationDaily.objects.values_list("day", "service_id", "office_id", "desa_code").annotate(
            n=Sum(name)
        )
        found[name] = Counter({key[:4]: key[4] for key in rows if key[4]})
    found["lead"] = Counter(
        {
            key[:3]: key[3]
            for key in ApplicationLeadTime.objects.values_list("day", "service_id", "days").annotate(
                n=Sum("count")
            )
        }
    )
    return found


def application_facts_from_raw() -> dict[str, Counter[tuple[object, ...]]]:
    found: dict[str, Counter[tuple[object, ...]]] = {
        name: Counter() for name in ("received", "completed", "completed_on_time", "rejected", "lead")
    }
    for a in Application.objects.exclude(status=Status.DRAFT).select_related("applicant"):
        desa = a.applicant.home_region_id or ""
        assert a.submitted_at is not None
        assert a.due_at is not None
        found["received"][(services.wib_day(a.submitted_at), a.service_id, a.office_id, desa)] += 1
        if a.decided_at is None:
            continue
        key = (services.wib_day(a.decided_at), a.service_id, a.office_id, desa)
        if a.status == Status.COMPLETED:
            found["completed"][key] += 1
            if a.decided_at <= a.due_at:
                found["completed_on_time"][key] += 1
            days = min(working_days_between(a.submitted_at, a.decided_at), LEAD_TIME_OVERFLOW)
            found["lead"][(key[0], a.service_id, days)] += 1
        elif a.status == Status.REJECTED:
            found["rejected"][key] += 1
    return {name: +counter for name, counter in found.items()}


def report_facts_from_summaries() -> dict[str, Counter[tuple[object, ...]]]:
    found: dict[str, Counter[tuple[object, ...]]] = {}
    for name in ("received", "verified", "answered", "answered_on_time", "reopened", "rated", "satisfied"):
        rows = ReportDaily.objects.values_list("day", "category_id", "office_id", "desa_code").annotate(
            n=Sum(name)
        )
        found[name] = Counter({key[:4]: key[4] for key in rows if key[4]})
    found["lead"] = Counter(
        {
            key[:3]: key[3]
            for key in ReportLeadTime.objects.values_list("day", "metric", "days").annotate(n=Sum("count"))
        }
    )
    return found


def report_facts_from_raw() -> dict[str, Counter[tuple[object, ...]]]:
    names = ("received", "verified", "answered", "answered_on_time", "reopened", "rated", "satisfied", "lead")
    found: dict[str, Counter[tuple[object, ...]]] = {name: Counter() for name in names}
    for r in Report.objects.prefetch_related("timeline", "dispositions"):
        active = sorted((d for d in r.dispositions.all() if d.is_active), key=lambda d: d.pk)
        office = active[0].office_id if active else None
        desa = r.region_id
        received = (services.wib_day(r.received_at), r.category_id, office, desa)
        found["received"][received] += 1
        found["reopened"][received] += int(r.reopened_count > 0)
        found["rated"][received] += int(r.satisfied is not None)
        found["satisfied"][received] += int(bool(r.satisfied))
        verifies = sorted(e.occurred_at for e in r.timeline.all() if e.action == "verify")
        if verifies:
            found["verified"][(services.wib_day(verifies[0]), r.category_id, office, desa)] += 1
            days = min(working_days_between(r.received_at, verifies[0]), LEAD_TIME_OVERFLOW)
            found["lead"][(services.wib_day(verifies[0]), "verify", days)] += 1
        if r.answered_at is not None:
            key = (services.wib_day(r.answered_at), r.category_id, office, desa)
            found["answered"][key] += 1
            found["answered_on_time"][key] += int(
                r.followup_due_at is None or r.answered_at <= r.followup_due_at
            )
            days = min(working_days_between(r.received_at, r.answered_at), LEAD_TIME_OVERFLOW)
            found["lead"][(services.wib_day(r.answered_at), "answer", days)] += 1
    return {name: +counter for name, counter in found.items()}


def test_summaries_kept_up_by_item_refreshes_agree_with_the_raw_rows_after_a_random_mix_of_events(cast):
    rng = random.Random(7)
    w = cast.world
    offices = [w.disdukcapil, w.pupr, w.kec_kotabumi]
    catalogue = [b.service(office=office, sla_working_days=rng.choice([1, 3, 5])) for office in offices]
    categories = [b.category(w.disdukcapil), b.category(w.pupr)]
    regions = [w.kotabumi_pasar, w.tanjung_raja_desa]
    start = b.wib(2025, 2, 3, 8)
    applications, reports = [], []
    for _ in range(40):
        chosen = rng.choice(catalogue)
        submitted = start + timedelta(hours=rng.randrange(0, 24 * 14))
        applications.append(
            b.application(
                of=chosen,
                applicant=rng.choice([cast.siti, cast.budi]),
                office=chosen.office,
                submitted_at=submitted,
                due_at=submitted + timedelta(days=rng.choice([1, 4, 7])),
            )
        )
    for _ in range(30):
        received = start + timedelta(hours=rng.randrange(0, 24 * 14))
        reports.append(
            b.report(category=rng.choice(categories), region=rng.choice(regions), received_at=received)
        )
    for a in applications:
        monitoring_item_refresh.call(Kind.APPLICATION, a.pk)
    for r in reports:
        monitoring_item_refresh.call(Kind.REPORT, r.pk)
    # Later events: decisions, forwards to another office, verifications, answers, reopens, ratings.
    for a in applications:
        roll = rng.random()
        assert a.submitted_at is not None
        at = a.submitted_at + timedelta(hours=rng.randrange(2, 24 * 12))
        if roll < 0.5:
            Application.objects.filter(pk=a.pk).update(status=Status.COMPLETED, decided_at=at)
            b.event(a, "complete", at, to_status=Status.COMPLETED)
        elif roll < 0.65:
            Application.objects.filter(pk=a.pk).update(status=Status.REJECTED, decided_at=at)
            b.event(a, "reject", at, to_status=Status.REJECTED)
        elif roll < 0.8:
            Application.objects.filter(pk=a.pk).update(office=w.kec_tanjung_raja)
            b.event(a, "forward", at)
        monitoring_item_refresh.call(Kind.APPLICATION, a.pk)
    for r in reports:
        verified = r.received_at + timedelta(hours=rng.randrange(1, 24 * 4))
        if rng.random() < 0.8:
            b.report_event(r, "verify", verified)
            office = rng.choice(offices)
            r.dispositions.create(office=office, due_at=verified, created_by=cast.admin)
            answered = verified + timedelta(hours=rng.randrange(1, 24 * 8))
            due = verified + timedelta(days=5)
            if rng.random() < 0.7:
                b.report_event(r, "answer", answered)
                Report.objects.filter(pk=r.pk).update(
                    status=ReportStatus.ANSWERED, answered_at=answered, followup_due_at=due
                )
                if rng.random() < 0.3:  # reopened: the answer is undone
                    b.report_event(r, "reopen", answered + timedelta(days=1))
                    Report.objects.filter(pk=r.pk).update(
                        status=ReportStatus.IN_PROGRESS, answered_at=None, reopened_count=1
                    )
                elif rng.random() < 0.6:
                    b.report_event(r, "rate", answered + timedelta(hours=3))
                    Report.objects.filter(pk=r.pk).update(satisfied=rng.random() < 0.5)
        monitoring_item_refresh.call(Kind.REPORT, r.pk)

    assert application_facts_from_summaries() == application_facts_from_raw()
    assert report_facts_from_summaries() == report_facts_from_raw()
    open_apps = set(Application.objects.filter(status=Status.SUBMITTED).values_list("pk", flat=True))
    assert set(OpenItem.objects.filter(kind=Kind.APPLICATION).values_list("item_id", flat=True)) == open_apps

    # A full rebuild gives exactly the same tables; running it twice changes nothing.
    incremental = (application_facts_from_summaries(), report_facts_from_summaries())
    services.facts_rebuild_all()
    services.facts_rebuild_all()
    assert (application_facts_from_summaries(), report_facts_from_summaries()) == incremental


def test_the_reconciliation_repairs_a_day_the_signals_missed(cast):
    chosen = b.service(office=cast.world.disdukcapil)
    now = b.wib(2025, 2, 10, 9)
    a = b.application(of=chosen, applicant=cast.siti, office=chosen.office, submitted_at=now, due_at=now)
    assert ApplicationDaily.objects.count() == 0  # no task ran yet
    assert monitoring_reconcile.call() == 35
    services.facts_reconcile(today=now.date())
    assert ApplicationDaily.objects.get().received == 1
    assert OpenItem.objects.get(kind=Kind.APPLICATION).item_id == a.pk


def test_a_change_enqueues_one_refresh_after_the_commit_and_none_for_a_draft(
    cast, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    chosen = b.service(office=cast.world.disdukcapil)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Application.objects.create(service=chosen, applicant=cast.siti, status=Status.DRAFT)
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True):
        b.report(
            category=b.category(cast.world.pupr),
            region=cast.world.kotabumi_pasar,
            received_at=b.wib(2025, 2, 3),
        )
    queued = DBTaskResult.objects.filter(task_path="layanan.monitoring.tasks.monitoring_item_refresh")
    assert queued.count() >= 1
    assert set(queued.values_list("args_kwargs__args__0", flat=True)) == {Kind.REPORT}
