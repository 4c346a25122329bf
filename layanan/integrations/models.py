"""What the adapters keep on our side: one row per case handed to a national system.

Each row is the outbox of one hand-off (made in the transaction of the step that calls for it)
and its result: the remote reference and status. One row per case (a one-to-one link), so a
case is never handed off twice; a retry sends the same row again, with the same reference.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.core.fields import EncryptedTextField
from layanan.regions.models import Region


class Delivery(models.TextChoices):
    PENDING = "pending", _("Menunggu dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal, perlu diperiksa administrator")


class Outbox(models.Model):
    """The delivery fields every hand-off shares: state, attempts, the next try, the last error."""

    delivery = models.CharField(
        _("pengiriman"), max_length=8, choices=Delivery.choices, default=Delivery.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True, db_index=True)
    # A short code (``timeout``, ``http_503``), never the remote system's words or our data.
    last_error = models.CharField(_("galat terakhir"), max_length=40, blank=True, default="")
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)

    class Meta:
        abstract = True


class LaporForward(Outbox):
    """A report outside the regency's authority, forwarded to SP4N-LAPOR!."""

    report = models.OneToOneField(
        "complaints.Report", on_delete=models.CASCADE, related_name="lapor_forward", verbose_name=_("laporan")
    )
    lapor_id = models.CharField(_("nomor LAPOR!"), max_length=60, blank=True, default="")
    lapor_status = models.CharField(_("status di LAPOR!"), max_length=40, blank=True, default="")
    status_checked_at = models.DateTimeField(_("status diperiksa"), null=True, blank=True)

    class Meta:
        verbose_name = _("penerusan ke LAPOR!")
        verbose_name_plural = _("penerusan ke LAPOR!")

    def __str__(self) -> str:
        return self.lapor_id or f"LAPOR! {self.pk}"


class SiakHandoff(Outbox):
    """A Dukcapil application handed to SIAK with its verified requirements, and SIAK's result."""

    class Result(models.TextChoices):
        WAITING = "", _("Menunggu hasil")
        ISSUED = "issued", _("Diterbitkan")
        REFUSED = "refused", _("Ditolak")

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="siak_handoff",
        verbose_name=_("permohonan"),
    )
    siak_ref = models.CharField(_("nomor SIAK"), max_length=60, blank=True, default="")
    result = models.CharField(_("hasil"), max_length=8, choices=Result.choices, blank=True, default="")
    document_number = models.CharField(_("nomor dokumen"), max_length=60, blank=True, default="")
    result_reason = models.TextField(_("alasan"), blank=True, default="")
    result_at = models.DateTimeField(_("hasil diterima"), null=True, blank=True)

    class Meta:
        verbose_name = _("penyerahan ke SIAK")
        verbose_name_plural = _("penyerahan ke SIAK")

    def __str__(self) -> str:
        return self.siak_ref or f"SIAK {self.pk}"


class OpensidInstance(models.Model):
    """A village's OpenSID installation: its desa, where it is, and the secret both sides sign with."""

    region = models.OneToOneField(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.VILLAGE},
        verbose_name=_("desa/kelurahan"),
    )
    base_url = models.URLField(_("alamat OpenSID"), max_length=200)
    secret = EncryptedTextField(_("kunci bersama"))
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("instalasi OpenSID")
        verbose_name_plural = _("instalasi OpenSID")

    def __str__(self) -> str:
        return f"OpenSID {self.region}"


class OpensidRequest(Outbox):
    """A letter request that came from a village's OpenSID; the outbox is the signed letter going back.

    ``delivery`` stays pending with no ``next_attempt_at`` until the letter is issued.
    """

    instance = models.ForeignKey(
        OpensidInstance, on_delete=models.PROTECT, related_name="requests", verbose_name=_("instalasi")
    )
    request_id = models.CharField(_("nomor permohonan OpenSID"), max_length=64)
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="opensid_request",
        verbose_name=_("permohonan"),
    )
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("permohonan dari OpenSID")
        verbose_name_plural = _("permohonan dari OpenSID")
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "request_id"], name="integrations_opensid_request_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instance_id}/{self.request_id}"


class SeenSignature(models.Model):
    """A signature already accepted: the same signed request again is a replay and is refused."""

    digest = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.digest[:12]
