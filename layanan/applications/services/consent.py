"""What ``application_start`` reads of an assisted visit, and the checks it makes on it.

An operator applies for a walk-in citizen only through a visit (``layanan.assisted.models.Visit``)
that records the citizen's consent. The assisted app sits above this one, so the visit is described
here by the few attributes read (a :class:`Protocol`), never imported. The caller holds the visit's
row lock, so a visit cannot be used twice at once.
"""

from __future__ import annotations

from typing import Protocol

from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.applications.workflow import ApplicationError


class ConsentedVisit(Protocol):
    """An assisted visit: who came, at which office, whether consent is recorded, what it started."""

    @property
    def citizen_id(self) -> int: ...

    @property
    def office_id(self) -> int: ...

    @property
    def application_id(self) -> int | None: ...

    @property
    def has_consent(self) -> bool: ...


def consent_check(visit: ConsentedVisit | None, *, applicant: User, actor: User) -> None:
    """Refuse an assisted start unless ``visit`` is this applicant's, at the operator's office,
    with consent recorded, and has not started an application yet (:class:`ApplicationError`)."""
    if visit is None or not visit.has_consent:
        raise ApplicationError(
            _("Catat dulu bahwa pemohon setuju permohonan ini diajukan oleh operator atas namanya.")
        )
    if visit.citizen_id != applicant.pk or actor.office_id is None or visit.office_id != actor.office_id:
        raise ApplicationError(
            _("Persetujuan ini bukan dari pemohon ini di kantor Anda. Mulai kunjungan baru bersama pemohon.")
        )
    if visit.application_id is not None:
        raise ApplicationError(
            _("Persetujuan pada kunjungan ini sudah dipakai untuk satu permohonan. Mulai kunjungan baru.")
        )
