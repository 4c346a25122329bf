"""The registry of events people are told about, with their default texts.

Each :class:`Event` has a key (``application.received``), whether it is
*essential* (about the person's own case: sent even to people who stopped
optional messages), who it is for, and default texts in Indonesian and English:
``short`` for SMS and WhatsApp, ``subject`` and ``body`` for email. An
administrator overrides a text per event, channel and language with a
:class:`~layanan.notifications.models.MessageTemplate`.

Texts may use only the placeholders in :data:`PLACEHOLDERS`. A message never
carries a NIK or any personal data beyond the first name and the tracking
number; :func:`~layanan.notifications.services.notify` refuses other keys.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Final, Literal

PLACEHOLDERS: Final = frozenset({"first_name", "tracking_number", "status", "link", "office"})
LANGUAGES: Final = ("id", "en")
CHANNELS: Final = ("whatsapp", "sms", "email")

Audience = Literal["citizen", "staff", "anyone"]


@dataclass(frozen=True)
class Texts:
    """One language's texts: ``short`` for SMS/WhatsApp, ``subject`` + ``body`` for email."""

    short: str
    subject: str
    body: str = ""  # empty: the email body is the short text

    @property
    def email_body(self) -> str:
        return self.body or self.short


@dataclass(frozen=True)
class Event:
    key: str
    essential: bool
    audience: Audience
    texts: dict[str, Texts] = field(default_factory=dict)  # language → texts

    def text(self, language: str) -> Texts:
        return self.texts.get(language) or self.texts["id"]


def placeholders_in(text: str) -> set[str]:
    """The ``{names}`` used in ``text``; raises ValueError for a malformed brace."""
    names: set[str] = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(name or "{}")
        names.add(name)
    return names


def unknown_placeholders(text: str) -> set[str]:
    """Placeholders in ``text`` outside :data:`PLACEHOLDERS` (a malformed one counts as unknown)."""
    try:
        return placeholders_in(text) - PLACEHOLDERS
    except ValueError as error:
        return {str(error)}


def _event(key: str, essential: bool, audience: Audience, id_: Texts, en: Texts) -> Event:
    return Event(key=key, essential=essential, audience=audience, texts={"id": id_, "en": en})


_HI_ID = "Halo {first_name}, "
_HI_EN = "Hello {first_name}, "
_APP_ID = "Permohonan Lampura"
_APP_EN = "Lampura application"
_REP_ID = "Laporan Lampura"
_REP_EN = "Lampura report"


def _app(key: str, id_text: str, en_text: str) -> Event:
    return _event(
        f"application.{key}",
        True,
        "citizen",
        Texts(_HI_ID + id_text, _APP_ID + " {tracking_number}"),
        Texts(_HI_EN + en_text, _APP_EN + " {tracking_number}"),
    )


def _rep(key: str, id_text: str, en_text: str) -> Event:
    return _event(
        f"report.{key}",
        True,
        "citizen",
        Texts(_HI_ID + id_text, _REP_ID + " {tracking_number}"),
        Texts(_HI_EN + en_text, _REP_EN + " {tracking_number}"),
    )


_ALL: list[Event] = [
    # Applications: what the case engine sends as application.<event> (layanan.applications.workflow).
    _app(
        "received",
        "permohonan {tracking_number} diterima dan akan diperiksa petugas.",
        "application {tracking_number} was received and will be checked by an officer.",
    ),
    _app(
        "revision_needed",
        "permohonan {tracking_number} perlu diperbaiki. Buka permohonan untuk melihat yang diminta.",
        "application {tracking_number} needs changes. Open it to see what is asked.",
    ),
    _app(
        "approved",
        "permohonan {tracking_number} disetujui dan menunggu tanda tangan pejabat.",
        "application {tracking_number} was approved and awaits the official's signature.",
    ),
    _app(
        "rejected",
        "permohonan {tracking_number} ditolak. Buka permohonan untuk membaca alasannya.",
        "application {tracking_number} was rejected. Open it to read why.",
    ),
    _app("completed", "permohonan {tracking_number} selesai.", "application {tracking_number} is complete."),
    _app(
        "document_ready",
        "surat untuk permohonan {tracking_number} sudah terbit. Buka permohonan untuk mengunduhnya.",
        "the letter for application {tracking_number} is ready. Open the application to download it.",
    ),
    _app(
        "document_revoked",
        "surat untuk permohonan {tracking_number} dicabut dan tidak berlaku lagi. "
        "Buka permohonan untuk membaca alasan dan yang perlu Anda lakukan.",
        "the letter for application {tracking_number} was revoked and is no longer valid. "
        "Open the application to read why and what to do.",
    ),
    _app(
        "forwarded",
        "permohonan {tracking_number} diteruskan ke kantor yang berwenang.",
        "application {tracking_number} was forwarded to the office in charge.",
    ),
    _event(
        "application.escalated",
        True,
        "staff",
        Texts(
            "Permohonan {tracking_number} melewati batas waktu layanan.",
            "Permohonan {tracking_number} terlambat",
        ),
        Texts(
            "Application {tracking_number} is past its service deadline.",
            "Application {tracking_number} is late",
        ),
    ),
    # Reports: what the case engine sends as report.<event> (layanan.complaints.workflow).
    _rep(
        "received",
        "laporan {tracking_number} diterima dan akan diverifikasi paling lambat 3 hari kerja.",
        "report {tracking_number} was received and will be verified within 3 working days.",
    ),
    _rep(
        "verified",
        "laporan {tracking_number} sudah diverifikasi dan diteruskan ke instansi yang berwenang.",
        "report {tracking_number} was verified and passed to the office in charge.",
    ),
    _rep(
        "postponed",
        "laporan {tracking_number} ditunda. Buka laporan untuk membaca alasannya.",
        "report {tracking_number} was put on hold. Open it to read why.",
    ),
    _rep(
        "not_authority",
        "laporan {tracking_number} bukan kewenangan Pemerintah Kabupaten. "
        "Buka laporan untuk tujuan yang tepat.",
        "report {tracking_number} is not for the regency government. Open it to see where to go.",
    ),
    _rep(
        "archived",
        "laporan {tracking_number} diarsipkan. Buka laporan untuk membaca alasannya.",
        "report {tracking_number} was archived. Open it to read why.",
    ),
    _rep(
        "in_progress",
        "laporan {tracking_number} sedang ditindaklanjuti oleh instansi.",
        "report {tracking_number} is being handled by the office.",
    ),
    _rep(
        "answered",
        "laporan {tracking_number} sudah dijawab. Buka laporan untuk membaca jawaban dan memberi penilaian.",
        "report {tracking_number} was answered. Open it to read the answer and rate it.",
    ),
    _rep("closed", "laporan {tracking_number} ditutup.", "report {tracking_number} was closed."),
    _rep(
        "reopened",
        "laporan {tracking_number} dibuka kembali dan diteruskan ke instansi.",
        "report {tracking_number} was reopened and passed to the office.",
    ),
    _event(
        "report.escalated",
        True,
        "staff",
        Texts(
            "Laporan {tracking_number} melewati batas waktu penanganan.",
            "Laporan {tracking_number} terlambat",
        ),
        Texts(
            "Report {tracking_number} is past its handling deadline.",
            "Report {tracking_number} is late",
        ),
    ),
    # Announcements of offices (layanan.servicepoints): optional, only to people who subscribed.
    _event(
        "announcement.published",
        False,
        "citizen",
        Texts(
            "Halo {first_name}, ada pengumuman baru dari {office}: {link}",
            "Pengumuman dari {office}",
        ),
        Texts(
            "Hello {first_name}, there is a new announcement from {office}: {link}",
            "Announcement from {office}",
        ),
    ),
    # Survey (SKM): optional, people may stop it.
    _event(
        "survey.invite",
        False,
        "citizen",
        Texts(
            "Halo {first_name}, bagaimana layanan untuk {tracking_number}? Isi survei singkat: {link}",
            "Survei kepuasan layanan Lampura",
        ),
        Texts(
            "Hello {first_name}, how was the service for {tracking_number}? Take a short survey: {link}",
            "Lampura service satisfaction survey",
        ),
    ),
    # Replies to inbound SMS/WhatsApp (layanan.inbound).
    _event(
        "inbound.status",
        True,
        "anyone",
        Texts("Status {tracking_number}: {status}.", "Status {tracking_number}"),
        Texts("Status of {tracking_number}: {status}.", "Status of {tracking_number}"),
    ),
    _event(
        "inbound.not_found",
        True,
        "anyone",
        Texts(
            "Nomor {tracking_number} tidak ditemukan. Periksa lagi nomornya, lalu kirim CEK <nomor>.",
            "Nomor tidak ditemukan",
        ),
        Texts(
            "Number {tracking_number} was not found. Check it and send CEK <number> again.",
            "Number not found",
        ),
    ),
    _event(
        "inbound.report_received",
        True,
        "anyone",
        Texts(
            "Laporan Anda diterima dengan nomor {tracking_number}. "
            "Kirim CEK {tracking_number} untuk melihat statusnya.",
            "Laporan {tracking_number} diterima",
        ),
        Texts(
            "Your report was received as {tracking_number}. Send CEK {tracking_number} to see its status.",
            "Report {tracking_number} received",
        ),
    ),
    _event(
        "inbound.help",
        True,
        "anyone",
        Texts(
            "Layanan Lampura. Kirim CEK <nomor> untuk melihat status, "
            "atau ADUAN <desa> <isi laporan> untuk melapor. "
            "Contoh: ADUAN Kotabumi Udik jalan berlubang di depan SD",
            "Bantuan Layanan Lampura",
        ),
        Texts(
            "Layanan Lampura. Send CEK <number> to see a status, or ADUAN <village> <text> to report. "
            "Example: ADUAN Kotabumi Udik pothole in front of the school",
            "Layanan Lampura help",
        ),
    ),
    # A WhatsApp voice message sent before ADUAN: kept for 30 minutes (INBOUND_VOICE_WINDOW_SECONDS).
    _event(
        "inbound.voice_kept",
        True,
        "anyone",
        Texts(
            "Pesan suara Anda sudah kami terima. Agar menjadi laporan, dalam 30 menit kirim ADUAN "
            "dan nama desa Anda, misalnya: ADUAN Kotabumi Udik. Isi laporan tidak perlu ditulis.",
            "Pesan suara diterima",
        ),
        Texts(
            "We received your voice message. To make it a report, within 30 minutes send ADUAN "
            "and your village's name, for example: ADUAN Kotabumi Udik. You need not write the report.",
            "Voice message received",
        ),
    ),
    _event(
        "inbound.refused",
        True,
        "anyone",
        Texts(
            "Maaf, pesan Anda tidak dapat kami proses: nomor ini belum terdaftar "
            "atau terlalu banyak pesan. Coba lagi nanti.",
            "Pesan tidak diproses",
        ),
        Texts(
            "Sorry, we cannot process your message: this number is not registered "
            "or sent too many messages. Try again later.",
            "Message not processed",
        ),
    ),
    # Issue 13: a message from a number outside Indonesia gets this, in both languages, and nothing else.
    _event(
        "inbound.foreign_sender",
        True,
        "anyone",
        Texts(
            "Maaf, layanan Lampura hanya untuk nomor HP Indonesia (+62). "
            "Sorry, this service is only for Indonesian (+62) phone numbers.",
            "Layanan Lampura",
        ),
        Texts(
            "Maaf, layanan Lampura hanya untuk nomor HP Indonesia (+62). "
            "Sorry, this service is only for Indonesian (+62) phone numbers.",
            "Layanan Lampura",
        ),
    ),
]

EVENTS: Final[dict[str, Event]] = {event.key: event for event in _ALL}


def event_get(key: str) -> Event:
    """The event called ``key``; raises KeyError with the name for an unknown one."""
    try:
        return EVENTS[key]
    except KeyError:
        raise KeyError(f"unknown notification event {key!r}") from None
