"""Telling people what happened to an application: one function per channel.

Only the console channel exists for now (development, tests, and the log of a
deployment without SMS or WhatsApp): it writes one line to the log. The line
carries the tracking number, the event and the recipient's user id, never a
name, phone number, NIK or KK. Real channels (SMS, WhatsApp, email) come as
more ``send_<channel>`` functions with the same arguments.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("layanan.notifications")

# The events a citizen is told about, and what they are told (plain Indonesian).
CITIZEN_EVENTS: dict[str, str] = {
    "received": "Permohonan Anda diterima dan akan diperiksa petugas.",
    "revision_needed": "Permohonan Anda perlu diperbaiki. Buka permohonan untuk melihat apa yang diminta.",
    "approved": "Permohonan Anda disetujui dan menunggu tanda tangan pejabat.",
    "rejected": "Permohonan Anda ditolak. Buka permohonan untuk membaca alasannya.",
    "completed": "Permohonan Anda selesai.",
    "document_ready": "Surat Anda sudah terbit. Buka permohonan untuk mengunduhnya (PDF).",
    "forwarded": "Permohonan Anda diteruskan ke kantor yang berwenang.",
    "escalated": "Permohonan melewati batas waktu layanan.",
}


def send_console(*, recipient_id: int, tracking_number: str, event: str, text: str = "") -> None:
    """Write the notification as one log line: ``notify <tracking> <event> via console``."""
    logger.info(
        "notify %s %s via console (user %s)%s",
        tracking_number or "-",
        event,
        recipient_id,
        f": {text}" if text else "",
    )
