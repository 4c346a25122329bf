"""The SLA clock: due dates in working days, the pause for revision, and its resumption.

Dates are around Idul Fitri 2026 in WIB: Nyepi on Thursday 19 March is a national
holiday, and the tests add the SKB cuti bersama days 18, 20, 23 and 24 March.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from layanan.applications import services
from layanan.applications.models import Status
from layanan.applications.services import resume_due_at
from layanan.applications.tests import builders
from layanan.applications.tests.builders import Clock, check_of, dukcapil_service, filled, reloaded, wib
from layanan.calendars.models import Holiday
from layanan.calendars.selectors import holidays_cache_clear

pytestmark = pytest.mark.django_db


@pytest.fixture
def cuti_bersama_idul_fitri_2026() -> None:
    for day in (18, 20, 23, 24):
        Holiday.objects.get_or_create(  # the seeded calendar may hold them already
            date=date(2026, 3, day), kind=Holiday.Kind.CUTI_BERSAMA, defaults={"name": "Cuti bersama"}
        )
    holidays_cache_clear()


def submitted_at(clock: Clock, when, cast, service=None):
    clock.set(when)
    service = service or dukcapil_service(cast.world, sla_working_days=5)
    application = filled(service, cast.siti)
    return services.application_submit(application=application, actor=cast.siti, submit_key=uuid.uuid4())


def sent_back_at(clock: Clock, when, application, officer):
    application = builders.claimed(application, officer)
    services.requirement_review(check=check_of(application, "surat-lahir"), actor=officer, accepted=True)
    services.requirement_review(
        check=check_of(application, "ktp"), actor=officer, accepted=False, reason="Foto KTP buram."
    )
    clock.set(when)
    return services.application_request_revision(
        application=application, actor=officer, expected_version=reloaded(application).version
    )


def resubmitted_at(clock: Clock, when, application, applicant):
    clock.set(when)
    services.requirement_provide(
        application=application,
        actor=applicant,
        requirement=application.service.requirements.get(code="ktp"),
        provision="paper",
    )
    return services.application_submit(application=application, actor=applicant, submit_key=uuid.uuid4())


def test_the_due_date_skips_nyepi_and_the_cuti_bersama_of_idul_fitri(
    cast, monkeypatch, cuti_bersama_idul_fitri_2026
):
    clock = Clock(monkeypatch, wib(2026, 3, 12, 10, 0))  # Thursday

    application = submitted_at(clock, wib(2026, 3, 12, 10, 0), cast)

    # Fri 13, Mon 16, Tue 17, then 18-24 March are days off, then Wed 25 and Thu 26.
    assert application.due_at == wib(2026, 3, 26, 10, 0)


def test_without_the_cuti_bersama_only_nyepi_is_skipped(cast, monkeypatch):
    Holiday.objects.filter(date__year=2026, date__month=3).exclude(kind=Holiday.Kind.NATIONAL).delete()
    holidays_cache_clear()
    clock = Clock(monkeypatch, wib(2026, 3, 12, 10, 0))

    application = submitted_at(clock, wib(2026, 3, 12, 10, 0), cast)

    assert application.due_at == wib(2026, 3, 20, 10, 0)  # Fri 13, Mon 16, Tue 17, Wed 18, Fri 20


def test_a_revision_pauses_the_clock_and_the_officer_gets_the_days_that_were_left(
    cast, monkeypatch, cuti_bersama_idul_fitri_2026
):
    clock = Clock(monkeypatch, wib(2026, 3, 12, 10, 0))
    application = submitted_at(clock, wib(2026, 3, 12, 10, 0), cast)
    assert application.due_at == wib(2026, 3, 26, 10, 0)

    # Sent back on Monday 16 March at 10:00: three working days were left (Tue 17, Wed 25, Thu 26).
    application = sent_back_at(clock, wib(2026, 3, 16, 10, 0), application, cast.budi)
    assert application.status == Status.REVISION
    assert application.paused_at == wib(2026, 3, 16, 10, 0)
    assert application.due_at == wib(2026, 3, 26, 10, 0)  # unchanged while paused

    # Fixed on Wednesday 25 March at 11:30: three working days from then.
    application = resubmitted_at(clock, wib(2026, 3, 25, 11, 30), application, cast.siti)

    after = reloaded(application)
    assert after.status == Status.VERIFYING
    assert after.paused_at is None
    assert after.due_at == wib(2026, 3, 30, 11, 30)  # Thu 26, Fri 27, Mon 30


def test_part_of_a_day_left_at_the_pause_counts_as_a_whole_day(
    cast, monkeypatch, cuti_bersama_idul_fitri_2026
):
    clock = Clock(monkeypatch, wib(2026, 3, 12, 10, 0))
    application = submitted_at(clock, wib(2026, 3, 12, 10, 0), cast)

    # Paused at 14:00: two whole working days and a part of one were left.
    application = sent_back_at(clock, wib(2026, 3, 16, 14, 0), application, cast.budi)
    application = resubmitted_at(clock, wib(2026, 3, 25, 9, 0), application, cast.siti)

    assert reloaded(application).due_at == wib(2026, 3, 30, 9, 0)


def test_an_application_already_late_when_paused_is_due_at_once_when_resubmitted(cast, monkeypatch):
    clock = Clock(monkeypatch, wib(2026, 3, 2, 10, 0))  # Monday
    application = submitted_at(
        clock, wib(2026, 3, 2, 10, 0), cast, dukcapil_service(cast.world, sla_working_days=1)
    )

    application = sent_back_at(clock, wib(2026, 3, 5, 10, 0), application, cast.budi)  # two days late
    application = resubmitted_at(clock, wib(2026, 3, 6, 17, 0), application, cast.siti)  # Friday evening

    assert reloaded(application).due_at == wib(2026, 3, 9, 8, 0)  # the next opening: Monday 08:00


def test_resume_due_at_keeps_whole_days_exactly():
    assert resume_due_at(
        due_at=wib(2026, 4, 9, 10, 0),  # Thursday
        paused_at=wib(2026, 4, 7, 10, 0),  # Tuesday: two working days left
        resumed_at=wib(2026, 4, 13, 13, 0),  # Monday
    ) == wib(2026, 4, 15, 13, 0)
