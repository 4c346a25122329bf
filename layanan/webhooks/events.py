"""The events a subscriber can ask for: a fixed list, and which case step produces which.

Each step of a case produces at most one event (:func:`event_type_for`): a named one where
the step has a name of its own (submitted, issued, answered, closed...), else
``<kind>.status_changed`` when the status changed (or the case went to another office); a step
that leaves the status as it was (a note, an assignment) produces none. A practice case produces none at all.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_TYPES: dict[str, Promise] = {
    "application.submitted": _("Permohonan dikirim pemohon ke kantor yang menangani."),
    "application.status_changed": _("Status permohonan berubah (diperiksa, perlu perbaikan, diproses...)."),
    "application.issued": _("Surat permohonan ditandatangani dan terbit."),
    "application.completed": _("Permohonan selesai tanpa surat (diserahkan ke SIAK atau tanpa keluaran)."),
    "application.rejected": _("Permohonan ditolak."),
    "report.received": _("Laporan baru diterima."),
    "report.status_changed": _("Status laporan berubah (diverifikasi, diteruskan, ditindaklanjuti...)."),
    "report.answered": _("Laporan sudah dijawab instansi."),
    "report.closed": _("Laporan selesai."),
}

KINDS = ("application", "report")

# (kind, action) → event, before the status rules below. Forwarding an application and disposing a
# report to more offices may keep the status but move the case to another office, whose subscribers
# hear of it then.
_BY_ACTION = {
    ("application", "submit"): "application.submitted",
    ("application", "sign"): "application.issued",
    ("application", "forward"): "application.status_changed",
    ("report", "submit"): "report.received",
    ("report", "dispose"): "report.status_changed",
}
# (kind, new status) → event.
_BY_STATUS = {
    ("application", "completed"): "application.completed",
    ("application", "rejected"): "application.rejected",
    ("report", "answered"): "report.answered",
    ("report", "closed"): "report.closed",
}


def event_type_for(kind: str, action: str, from_status: str, to_status: str) -> str | None:
    """The event a step of a ``kind`` case produces (None: none)."""
    named = _BY_ACTION.get((kind, action))
    if named is not None:
        return named
    if from_status == to_status:
        return None
    return _BY_STATUS.get((kind, to_status), f"{kind}.status_changed" if kind in KINDS else None)


def event_choices() -> list[tuple[str, str]]:
    return [(name, f"{name}: {description}") for name, description in EVENT_TYPES.items()]
