"""Survei Kepuasan Masyarakat: one invitation per finished case, and the anonymous answers.

An :class:`Invitation` is made once for each completed application and each
answered report (unique per subject), carries a random ``token`` for the link
(no personal data) and expires after ``SKM_INVITATION_DAYS``. A
:class:`Response` holds the 9 scores, the optional profile and the optional
suggestion (sealed), with the service and office copied for the IKM. A
response is deliberately **not** linked to its invitation or to a person: the
invitation only records *that* it was answered (a conditional update in the
same transaction makes a double submit count once), so nobody can read who
gave which score. Nor can the order give it away: a response's id is a random
UUID (lists sort by it, never by when it came), and it keeps no time of its own
beside the day the case was finished.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Office
from layanan.catalogue.models import Service
from layanan.core.fields import EncryptedTextField


def new_token() -> str:
    return secrets.token_urlsafe(16)  # 22 characters, 128 bits


class Invitation(models.Model):
    class Subject(models.TextChoices):
        APPLICATION = "application", _("Permohonan")
        REPORT = "report", _("Laporan")

    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    subject = models.CharField(_("jenis"), max_length=12, choices=Subject.choices)
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitation",
    )
    report = models.OneToOneField(
        "complaints.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="survey_invitation"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    tracking_number = models.CharField(max_length=20, blank=True, default="")
    period = models.DateField(_("periode layanan"))  # the day the case was finished (WIB)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("undangan survei")
        verbose_name_plural = _("undangan survei")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject="application", application__isnull=False, report__isnull=True)
                    | Q(subject="report", report__isnull=False, application__isnull=True)
                ),
                name="survey_invitation_one_subject",
            )
        ]
        indexes = [models.Index(fields=["office", "period"])]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.tracking_number}"


class AgeGroup(models.TextChoices):
    UNDER_20 = "u20", _("Di bawah 20 tahun")
    FROM_20 = "20-29", _("20-29 tahun")
    FROM_30 = "30-39", _("30-39 tahun")
    FROM_40 = "40-49", _("40-49 tahun")
    FROM_50 = "50-59", _("50-59 tahun")
    FROM_60 = "60+", _("60 tahun ke atas")


class Sex(models.TextChoices):
    MALE = "l", _("Laki-laki")
    FEMALE = "p", _("Perempuan")


class Education(models.TextChoices):
    SD = "sd", _("SD ke bawah")
    SMP = "smp", _("SMP")
    SMA = "sma", _("SMA/SMK")
    DIPLOMA = "diploma", _("D1/D2/D3/D4")
    S1 = "s1", _("S1")
    S2 = "s2", _("S2 ke atas")


class Occupation(models.TextChoices):
    PNS = "pns", _("PNS")
    TNI = "tni", _("TNI")
    POLRI = "polri", _("Polri")
    SWASTA = "swasta", _("Pegawai swasta")
    WIRAUSAHA = "wirausaha", _("Wirausaha")
    PETANI = "petani", _("Petani/nelayan")
    PELAJAR = "pelajar", _("Pelajar/mahasiswa")
    LAINNYA = "lainnya", _("Lainnya")


PROFILE_FIELDS: dict[str, type[models.TextChoices]] = {
    "age_group": AgeGroup,
    "sex": Sex,
    "education": Education,
    "occupation": Occupation,
}


def _score() -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])


class Response(models.Model):
    # Random, so neither the id nor the order of the rows follows the order the invitations were
    # answered in (an auto-increment would: the invitation's answered_at gives that order).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.CharField(max_length=12, choices=Invitation.Subject.choices)
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    period = models.DateField()  # copied from the invitation: the day the case was finished (WIB)
    u1 = _score()
    u2 = _score()
    u3 = _score()
    u4 = _score()
    u5 = _score()
    u6 = _score()
    u7 = _score()
    u8 = _score()
    u9 = _score()
    suggestion = EncryptedTextField(_("saran"), blank=True, default="")
    has_suggestion = models.BooleanField(default=False)  # counted without opening the sealed text
    age_group = models.CharField(max_length=6, choices=AgeGroup.choices, blank=True, default="")
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True, default="")
    education = models.CharField(max_length=8, choices=Education.choices, blank=True, default="")
    occupation = models.CharField(max_length=10, choices=Occupation.choices, blank=True, default="")
    # The optional question about the platform itself (platform_question.py): never part of the IKM.
    platform_ease = models.PositiveSmallIntegerField(
        _("kemudahan aplikasi"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )

    class Meta:
        ordering = ["period", "id"]
        verbose_name = _("jawaban survei")
        verbose_name_plural = _("jawaban survei")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    u1__range=(1, 4),
                    u2__range=(1, 4),
                    u3__range=(1, 4),
                    u4__range=(1, 4),
                    u5__range=(1, 4),
                    u6__range=(1, 4),
                    u7__range=(1, 4),
                    u8__range=(1, 4),
                    u9__range=(1, 4),
                ),
                name="survey_response_scores_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(platform_ease__isnull=True) | Q(platform_ease__range=(1, 4)),
                name="survey_response_platform_1_to_4",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "period"], name="survey_response_office"),
            models.Index(fields=["service", "period"], name="survey_response_service"),
        ]

    def __str__(self) -> str:
        return f"SKM {self.period}"
