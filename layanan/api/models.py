"""Tokens for apps and systems, and the answers kept for ``Idempotency-Key`` (docs/api.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may do; it never does more than its account could do on the web pages."""

    READ = "read", _("Membaca data akun ini (permohonan, laporan, antrean)")
    APPLICATIONS = "applications", _("Membuat dan mengubah permohonan")
    REPORTS = "reports", _("Membuat laporan, mendukung dan menilai")
    STAFF = "staff", _("Langkah petugas: memeriksa, meneruskan, menjawab")
    OPEN311 = "open311", _("Membuat laporan lewat Open311 (kunci API)")


class ApiToken(models.Model):
    """A bearer token: shown once at creation, stored as the SHA-256 of its secret part.

    The secret is 32 random bytes, so a plain hash is enough (nothing to guess); the ``prefix``
    (the first characters, not secret) lets the owner and the administrator tell tokens apart.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=80)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("izin"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [str(Scope(scope).label) if scope in Scope.values else scope for scope in self.scopes]


class IdempotentAnswer(models.Model):
    """The first answer to a create with an ``Idempotency-Key``, per caller.

    Written in the transaction of the create itself, so it exists iff the create committed; a
    second request with the same key waits on the unique index and then gets this answer.
    """

    caller = models.CharField(max_length=80)  # "t:<token id>", "u:<user id>"
    key = models.CharField(max_length=100)
    operation = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="api_idempotent_caller_key")]

    def __str__(self) -> str:
        return f"{self.operation} ({self.created_at:%Y-%m-%d %H:%M})"
