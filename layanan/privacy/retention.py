"""Retention rules: how long each kind of record is kept, and what happens after.

Each :class:`Rule` names a kind of record, its default period in days, and its action:

- ``delete``: the rows (and their files) go;
- ``anonymise``: the row stays for the figures, the personal part (address, text, link to the
  person) is emptied;
- ``keep``: the platform never removes it by itself (archival rules, the audit log, the
  statutory period of complaint records); the table tells the citizen how long it is kept.

An administrator changes a period (or pauses a rule) with a :class:`~layanan.privacy.models.RetentionRule`
row in the admin; without one the default below applies. ``privacy_retention_apply`` (daily)
runs every ``delete``/``anonymise`` rule on at most :data:`BATCH` records per rule and records the
counts in a :class:`~layanan.privacy.models.RetentionRun`. Every step is a conditional query on
the records past their period, so a run repeated (or run by two workers) removes nothing twice.

Adding a rule: one entry in :data:`RULES` with its handler, a test with a frozen clock, and a row
in ``docs/privacy-rights.md``. (The one-time sign-in codes of the accounts rewrite get their rule
here when that model lands: delete, 1 day.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from layanan.accounts.models import OneTimeCode, UserSession
from layanan.applications.models import Application, Attachment
from layanan.applications.models import Status as ApplicationStatus
from layanan.complaints.models import Report, ReportVoice, Support
from layanan.complaints.models import Status as ReportStatus
from layanan.inbound.models import InboundMessage
from layanan.notifications.models import FINISHED_STATUSES, Message, MessageStatus
from layanan.privacy.models import RetentionRule

BATCH = 500
Action = Literal["delete", "anonymise", "keep"]
Handler = Callable[[datetime], int]

CLOSED_REPORT_STATUSES = (ReportStatus.CLOSED, ReportStatus.ARCHIVED, ReportStatus.NOT_AUTHORITY)


@dataclass(frozen=True)
class Rule:
    key: str
    label: str | Promise
    days: int
    action: Action
    explain: str | Promise
    handler: Handler | None = None


@dataclass(frozen=True)
class Effective:
    """A rule with the period and switch in force (the admin's row, else the default)."""

    rule: Rule
    days: int
    enabled: bool
    note: str

    @property
    def key(self) -> str:
        return self.rule.key


# --- handlers: each takes the cutoff (records older than it are past their period) -----------------


def _drafts(cutoff: datetime) -> int:
    ids = list(
        Application.objects.filter(status=ApplicationStatus.DRAFT, updated_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    for attachment in Attachment.objects.filter(application_id__in=ids):
        attachment.file.delete(save=False)
    Application.objects.filter(pk__in=ids, status=ApplicationStatus.DRAFT).delete()
    return len(ids)


def _replaced_uploads(cutoff: datetime) -> int:
    found = list(Attachment.objects.filter(is_current=False, uploaded_at__lt=cutoff).order_by("pk")[:BATCH])
    for attachment in found:
        attachment.file.delete(save=False)
    Attachment.objects.filter(pk__in=[a.pk for a in found], is_current=False).delete()
    return len(found)


def _message_bodies(cutoff: datetime) -> int:
    ids = list(
        Message.objects.filter(created_at__lt=cutoff, status__in=[*FINISHED_STATUSES, MessageStatus.SKIPPED])
        .exclude(phone="", email="", data="", phone_hash="")
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    return Message.objects.filter(pk__in=ids).update(phone="", email="", data="", phone_hash="")


def _sessions(cutoff: datetime) -> int:
    ids = list(Session.objects.filter(expire_date__lt=cutoff).values_list("pk", flat=True)[:BATCH])
    deleted, _rows = Session.objects.filter(pk__in=ids).delete()
    return deleted


def _session_records(cutoff: datetime) -> int:
    """Records of sessions that ended (the device summary and times the profile listed)."""
    ids = list(UserSession.objects.filter(ended_at__lt=cutoff).values_list("pk", flat=True)[:BATCH])
    deleted, _rows = UserSession.objects.filter(pk__in=ids).delete()
    return deleted


def _one_time_codes(cutoff: datetime) -> int:
    """Codes (and the answers they held, sealed) past their expiry by the rule's period."""
    ids = list(OneTimeCode.objects.filter(expires_at__lt=cutoff).values_list("pk", flat=True)[:BATCH])
    deleted, _rows = OneTimeCode.objects.filter(pk__in=ids).delete()
    return deleted


def _inbound_payloads(cutoff: datetime) -> int:
    ids = list(
        InboundMessage.objects.filter(received_at__lt=cutoff)
        .exclude(sender="", text="", sender_hash="")
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    # The media id of a voice message goes too: with the token it would fetch the voice from Meta.
    return InboundMessage.objects.filter(pk__in=ids).update(sender="", text="", sender_hash="", audio_id="")


def _closed_report_contacts(cutoff: datetime) -> int:
    ids = list(
        Report.objects.filter(status__in=CLOSED_REPORT_STATUSES, closed_at__lt=cutoff)
        .filter(Q(reporter__isnull=False) | ~Q(rating_comment="") | Q(voice__isnull=False))
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    Support.objects.filter(report_id__in=ids).delete()
    # A voice names its speaker as surely as the account link: it goes with it (file and row).
    for voice in ReportVoice.objects.filter(report_id__in=ids):
        voice.file.delete(save=False)
        voice.delete()
    return Report.objects.filter(pk__in=ids).update(reporter=None, rating_comment="")


RULES: tuple[Rule, ...] = (
    Rule(
        "drafts",
        _("Draf permohonan yang tidak pernah dikirim"),
        90,
        "delete",
        _("Draf dan berkas unggahannya dihapus bila tidak diubah selama masa ini."),
        _drafts,
    ),
    Rule(
        "replaced_uploads",
        _("Berkas unggahan yang ditolak atau sudah diganti"),
        180,
        "delete",
        _("Berkas yang sudah diganti dengan berkas baru dihapus."),
        _replaced_uploads,
    ),
    Rule(
        "message_bodies",
        _("Isi dan alamat pesan WhatsApp, SMS dan email"),
        90,
        "anonymise",
        _("Nomor, email dan isi pesan dihapus; yang tersisa hanya jenis pesan, saluran dan status."),
        _message_bodies,
    ),
    Rule(
        "sessions",
        _("Sesi masuk yang sudah berakhir"),
        0,
        "delete",
        _("Sesi yang sudah kedaluwarsa dihapus."),
        _sessions,
    ),
    Rule(
        "session_records",
        _("Catatan perangkat dari sesi yang sudah berakhir"),
        90,
        "delete",
        _("Jenis perangkat dan waktu masuk dari sesi yang sudah berakhir dihapus."),
        _session_records,
    ),
    Rule(
        "one_time_codes",
        _("Kode sekali pakai (OTP) dan isian pendaftaran yang menunggu kode"),
        1,
        "delete",
        _("Kode yang sudah kedaluwarsa dihapus bersama isian yang menunggunya."),
        _one_time_codes,
    ),
    Rule(
        "inbound_payloads",
        _("Pesan SMS/WhatsApp yang masuk (nomor pengirim dan isi)"),
        90,
        "anonymise",
        _("Nomor pengirim dan isi pesan dihapus; laporan yang dibuat dari pesan tetap ada."),
        _inbound_payloads,
    ),
    Rule(
        "closed_report_contacts",
        _("Hubungan laporan yang sudah selesai dengan pelapornya"),
        730,
        "anonymise",
        _(
            "Setelah masa ini laporan yang selesai tidak lagi terhubung dengan akun pelapor "
            "dan komentar penilaian dihapus."
        ),
        _closed_report_contacts,
    ),
    Rule(
        "application_records",
        _("Permohonan yang sudah dikirim dan surat yang terbit"),
        3650,
        "keep",
        _(
            "Arsip pelayanan: disimpan menurut Jadwal Retensi Arsip daerah, "
            "tidak dapat dihapus atas permintaan."
        ),
    ),
    Rule(
        "complaint_records",
        _("Catatan pengaduan dan tindak lanjutnya"),
        1825,
        "keep",
        _("Disimpan selama masa yang diwajibkan untuk pengelolaan pengaduan, lalu dianonimkan."),
    ),
    Rule(
        "audit_log",
        _("Jejak audit (siapa membuka atau mengubah data)"),
        3650,
        "keep",
        _(
            "Tidak pernah diubah atau dihapus: jejak ini melindungi Anda "
            "dengan mencatat setiap akses petugas."
        ),
    ),
    Rule(
        "consent_history",
        _("Riwayat persetujuan dan permohonan data pribadi"),
        1825,
        "keep",
        _("Bukti bahwa permohonan Anda dijawab dan persetujuan Anda dihormati."),
    ),
)

RULES_BY_KEY: dict[str, Rule] = {rule.key: rule for rule in RULES}


def effective_rules() -> list[Effective]:
    """Every rule with the period in force: the admin's row where there is one."""
    overrides = {row.key: row for row in RetentionRule.objects.filter(key__in=RULES_BY_KEY)}
    table: list[Effective] = []
    for rule in RULES:
        row = overrides.get(rule.key)
        if row is None:
            table.append(Effective(rule=rule, days=rule.days, enabled=True, note=""))
        else:
            table.append(Effective(rule=rule, days=row.days, enabled=row.enabled, note=row.note))
    return table


def cutoff_of(entry: Effective, now: datetime) -> datetime:
    return now - timedelta(days=entry.days)
