"""The office takes the application in hand: claim it, hand it to a colleague, forward it, note.

State-changing staff steps take ``expected_version`` (the version the officer
saw); if someone changed the application meanwhile,
:class:`~layanan.cases.workflow.ConcurrentChange` is raised and nothing is written.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.accounts.permissions import can
from layanan.agencies.models import Office
from layanan.applications.models import Application
from layanan.applications.services.common import clean_text
from layanan.applications.workflow import WORKFLOW, ApplicationError


def application_claim(*, application: Application, actor: User, expected_version: int) -> Application:
    """An officer takes a new application from the queue and starts checking it."""
    return WORKFLOW.step(
        application,
        "claim",
        actor,
        expected_version,
        message=_("Permohonan mulai diperiksa petugas."),
        changes={"assigned_to": actor},
    )


def application_assign(
    *, application: Application, actor: User, assignee: User, expected_version: int
) -> Application:
    """Hand the application to a colleague of the same office who can verify or decide it."""
    service = application.service
    if (
        not assignee.is_active
        or assignee.office_id != application.office_id
        or assignee.role not in {service.verify_role, service.decide_role}
        or not can(assignee, "application.handle", application)
    ):
        raise ApplicationError(_("Pilih petugas kantor ini yang dapat memeriksa atau memutuskan permohonan."))
    return WORKFLOW.step(
        application,
        "assign",
        actor,
        expected_version,
        message=_("Permohonan diserahkan kepada %(name)s.") % {"name": assignee.full_name},
        changes={"assigned_to": assignee},
        internal=True,
        details={"assignee": assignee.pk},
    )


def application_forward(
    *, application: Application, actor: User, expected_version: int, office: Office, reason: str
) -> Application:
    """Send to the office that handles it, with a reason; nobody holds it there yet.

    The due time stays as it was: the citizen did not cause the detour.
    """
    reason = clean_text(reason, empty_message=_("Tulis alasan permohonan ini diteruskan."))
    if not office.is_active or office.pk == application.office_id:
        raise ApplicationError(_("Pilih kantor tujuan lain yang aktif."))
    return WORKFLOW.step(
        application,
        "forward",
        actor,
        expected_version,
        message=_("Permohonan diteruskan ke %(office)s. Alasan: %(reason)s")
        % {"office": office.name, "reason": reason},
        changes={"office": office, "assigned_to": None},
        notify="forwarded",
        details={"to_office": office.code},
    )


def application_note(*, application: Application, actor: User, text: str) -> None:
    """An internal note: staff only, never shown to the citizen."""
    text = clean_text(text, empty_message=_("Tulis isi catatan."))
    WORKFLOW.record(application, "note", actor, text, internal=True)
