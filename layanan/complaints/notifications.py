"""Telling people what happened to a report: the console channel (one log line per notice).

The line carries the tracking number, the event and the recipient's user id,
never a name, phone number or the report's text. SMS and WhatsApp come later
as more ``send_<channel>`` functions with the same arguments.
"""

from __future__ import annotations

from layanan.applications.notifications import send_console

__all__ = ["EVENTS", "send_console"]

# The events people are told about, and what they are told (plain Indonesian).
EVENTS: dict[str, str] = {
    "received": "Laporan Anda diterima dan akan diverifikasi paling lambat 3 hari kerja.",
    "verified": "Laporan Anda sudah diverifikasi dan diteruskan ke instansi yang berwenang.",
    "postponed": "Laporan Anda ditunda. Buka laporan untuk membaca alasannya.",
    "not_authority": (
        "Laporan Anda bukan kewenangan Pemerintah Kabupaten. Buka laporan untuk tujuan yang tepat."
    ),
    "archived": "Laporan Anda diarsipkan. Buka laporan untuk membaca alasannya.",
    "in_progress": "Laporan Anda sedang ditindaklanjuti oleh instansi.",
    "answered": "Laporan Anda sudah dijawab. Buka laporan untuk membaca jawabannya dan memberi penilaian.",
    "closed": "Laporan Anda ditutup.",
    "reopened": "Laporan Anda dibuka kembali dan diteruskan ke instansi.",
    "escalated": "Laporan melewati batas waktu penanganan.",
}
