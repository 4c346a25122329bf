"""The permission checks that need the complaint models (``report.handle``, ``report.read``),
registered with :mod:`layanan.accounts.permissions` from :meth:`ComplaintsConfig.ready`."""

from __future__ import annotations

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import jurisdiction, object_check_register
from layanan.agencies.models import Office
from layanan.complaints.models import Disposition, Report, Support


def _report_offices(obj: object, *, active_only: bool) -> list[int]:
    """The ids of the offices the report was disposed to (only active dispositions when asked)."""
    if not isinstance(obj, Report) or obj.pk is None:
        return []
    rows = Disposition.objects.filter(report_id=obj.pk)
    if active_only:
        rows = rows.filter(is_active=True)
    return list(rows.values_list("office_id", flat=True))


def handles_report(actor: User, obj: object | None) -> bool:
    """Staff of an office holding an active disposition of the report (their own office, never by region)."""
    if actor.office_id is None:
        return False
    if obj is None:
        return True
    if isinstance(obj, Office):
        return obj.pk == actor.office_id
    if isinstance(obj, Report) and obj.practice:
        return False  # a practice report reaches no office (docs/practice-mode.md)
    return actor.office_id in _report_offices(obj, active_only=True)


def reads_report(actor: User, obj: object | None) -> bool:
    """The reporter and supporters; the coordinator, auditors; staff and leaders reaching an office
    the report was disposed to (now or earlier)."""
    if obj is None:
        return actor.role == Role.CITIZEN or not jurisdiction(actor).is_empty
    if not isinstance(obj, Report) or obj.pk is None:
        return False
    if obj.practice:
        return obj.reporter_id is not None and obj.reporter_id == actor.pk  # its reporter's alone
    if obj.reporter_id == actor.pk or Support.objects.filter(report_id=obj.pk, user_id=actor.pk).exists():
        return True
    reach = jurisdiction(actor)
    if reach.everything:
        return True
    if reach.is_empty:
        return False
    offices = Office.objects.filter(pk__in=_report_offices(obj, active_only=False))
    return any(reach.reaches_office(office) for office in offices)


def register() -> None:
    object_check_register("report.handle", handles_report)
    object_check_register("report.read", reads_report)
