"""Builders for the applications tests: a small catalogue, drafts, submissions and a settable clock.

The catalogue here is the tests' own (a service with two fields in two steps
and two requirements), so these tests do not depend on the catalogue seed.
"""

from __future__ import annotations

import io
import itertools
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from layanan.accounts.models import Role, User
from layanan.agencies.models import Office
from layanan.applications import services
from layanan.applications.models import Application, RequirementCheck
from layanan.calendars.selectors import WIB
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.regions.models import Region
from layanan.testing import make_user

_numbers = itertools.count(1)


def service(
    *,
    slug: str = "",
    name: str = "Layanan Uji",
    handler: str = Service.Handler.FIXED_OFFICE,
    office: Office | None = None,
    output: str = Service.Output.SIAK,
    sla_working_days: int = 5,
    verify_role: str = Role.OFFICER,
    decide_role: str = Role.OFFICER,
    sign_role: str = Role.SIGNER,
    desa_field: bool = False,
) -> Service:
    """A service with 2 fields in 2 steps and 2 requirements (an upload-or-paper and a paper)."""
    number = next(_numbers)
    built = Service.objects.create(
        slug=slug or f"layanan-uji-{number}",
        name=name,
        summary="Layanan untuk pengujian.",
        handler=handler,
        office=office,
        sla_working_days=sla_working_days,
        output=output,
        verify_role=verify_role,
        decide_role=decide_role,
        sign_role=sign_role,
    )
    FormField.objects.create(
        service=built, step=1, step_title="Data anak", order=1, name="nama_anak", label="Nama anak"
    )
    FormField.objects.create(
        service=built,
        step=2,
        step_title="Kelahiran",
        order=1,
        name="tanggal_lahir",
        label="Tanggal lahir",
        kind=FormField.Kind.DATE,
    )
    if desa_field:
        FormField.objects.create(
            service=built,
            step=1,
            order=2,
            name="desa",
            label="Desa/kelurahan",
            kind=FormField.Kind.VILLAGE,
            required=False,
        )
    Requirement.objects.create(
        service=built, order=1, code="ktp", name="KTP-el orang tua", kind=Requirement.Kind.UPLOAD_OR_PAPER
    )
    Requirement.objects.create(
        service=built, order=2, code="surat-lahir", name="Surat keterangan lahir", kind=Requirement.Kind.PAPER
    )
    return built


def dukcapil_service(world: Any, **extra: Any) -> Service:
    """A Dukcapil document, handled by Disdukcapil itself and handed to SIAK."""
    return service(name="Akta Kelahiran (uji)", office=world.disdukcapil, **extra)


def village_letter(**extra: Any) -> Service:
    """A village letter: handled by the applicant's desa office, checked by its operator, signed there."""
    defaults: dict[str, Any] = {
        "name": "Surat Keterangan Domisili (uji)",
        "handler": Service.Handler.APPLICANT_VILLAGE,
        "output": Service.Output.LETTER,
        "verify_role": Role.OPERATOR,
        "decide_role": Role.OPERATOR,
        "sign_role": Role.SIGNER,
    }
    return service(**{**defaults, **extra})


def citizen(*, home_region: Region | None = None, phone: str = "", name: str = "Warga Uji") -> User:
    return make_user(phone=phone or f"08129{next(_numbers):07d}", full_name=name, home_region=home_region)


def staff(*, role: str, office: Office, phone: str = "", name: str = "") -> User:
    number = next(_numbers)
    return make_user(
        phone=phone or f"08139{number:07d}", full_name=name or f"Staf {number}", role=role, office=office
    )


def village_office_for(code: str, world: Any) -> Office:
    """A desa office for the village ``code`` (under Kotabumi when new)."""
    from layanan.accounts.tests.builders import village, village_office

    return village_office(village(code, f"Desa {code[-4:]}", world.kotabumi))


ANSWERS: dict[int, dict[str, object]] = {1: {"nama_anak": "Putri"}, 2: {"tanggal_lahir": "2026-01-05"}}


def consented_visit(applicant: User, operator: User, *, consent: bool = True) -> Any:
    """An assisted visit at the operator's office where the applicant consented on paper."""
    from django.utils import timezone

    from layanan.assisted.models import Visit

    assert operator.office is not None
    return Visit.objects.create(
        operator=operator,
        office=operator.office,
        citizen=applicant,
        consent=Visit.Consent.PAPER if consent else Visit.Consent.NONE,
        consent_at=timezone.now() if consent else None,
    )


def assisted_start(built: Service, applicant: User, operator: User) -> Application:
    """The operator starts the applicant's draft through a consented visit (which it then holds)."""
    visit = consented_visit(applicant, operator)
    application = services.application_start(service=built, applicant=applicant, actor=operator, visit=visit)
    visit.application = application
    visit.save(update_fields=["application"])
    return application


def draft(
    built: Service, applicant: User, *, actor: User | None = None, consent: bool = False
) -> Application:
    if consent and actor is not None and actor != applicant:
        return assisted_start(built, applicant, actor)
    return services.application_start(service=built, applicant=applicant, actor=actor or applicant)


def filled(
    built: Service, applicant: User, *, actor: User | None = None, consent: bool = False
) -> Application:
    """A draft with every step answered and every requirement met by bringing the paper."""
    application = draft(built, applicant, actor=actor, consent=consent)
    acting = actor or applicant
    for step, answers in ANSWERS.items():
        services.application_save_step(application=application, actor=acting, step=step, answers=answers)
    for requirement in built.requirements.all():
        services.requirement_provide(
            application=application, actor=acting, requirement=requirement, provision="paper"
        )
    return application


def submitted(built: Service, applicant: User, *, actor: User | None = None) -> Application:
    application = filled(built, applicant, actor=actor, consent=actor is not None)
    return services.application_submit(
        application=application, actor=actor or applicant, submit_key=uuid.uuid4()
    )


def claimed(application: Application, officer: User) -> Application:
    return services.application_claim(
        application=application, actor=officer, expected_version=application.version
    )


def accept_all(application: Application, officer: User) -> None:
    for check in application.checks.all():
        services.requirement_review(check=check, actor=officer, accepted=True)


def check_of(application: Application, code: str) -> RequirementCheck:
    return application.checks.select_related("requirement").get(requirement__code=code)


def reloaded(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def png_upload(name: str = "ktp.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


class Clock:
    """``django.utils.timezone.now`` pinned to a time the test moves by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
        self.now = start
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def set(self, when: datetime) -> None:
        self.now = when

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def notices_enqueued() -> list[str]:
    """The events of the applicant notices saved so far (``application.<event>``), oldest first."""
    from layanan.notifications.models import Message

    events = Message.objects.filter(event__startswith="application.").order_by("pk")
    return [event.removeprefix("application.") for event in events.values_list("event", flat=True)]
