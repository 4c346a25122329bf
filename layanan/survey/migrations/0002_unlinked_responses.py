"""Survey answers that cannot be linked to their invitations by id or order.

A response's id was an auto-increment, which follows the order the invitations were answered in
(and ``Invitation.answered_at`` records that order), and ``created_on`` kept the day it came. The
answers move to a table keyed by random UUIDs, copied in a random order, without ``created_on``;
then the old table goes and the new one takes its name. Nothing refers to a response, so no key
elsewhere changes. Running the copy twice copies nothing twice (the new table starts empty).
"""

import uuid

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import layanan.core.fields

_FIELDS = (
    "subject",
    "service_id",
    "office_id",
    "period",
    "u1",
    "u2",
    "u3",
    "u4",
    "u5",
    "u6",
    "u7",
    "u8",
    "u9",
    "suggestion",
    "has_suggestion",
    "age_group",
    "sex",
    "education",
    "occupation",
)


def copy_unlinked(apps, schema_editor):
    Old = apps.get_model("survey", "Response")
    New = apps.get_model("survey", "UnlinkedResponse")
    if New.objects.exists():
        return
    batch = []
    for row in Old.objects.order_by("?").values(*_FIELDS).iterator(chunk_size=500):
        batch.append(New(id=uuid.uuid4(), **row))
        if len(batch) >= 500:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("catalogue", "0001_service_catalogue"),
        ("survey", "0001_invitations_and_responses"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnlinkedResponse",
            fields=[
                (
                    "id",
                    models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
                ),
                (
                    "subject",
                    models.CharField(
                        choices=[("application", "Permohonan"), ("report", "Laporan")], max_length=12
                    ),
                ),
                ("period", models.DateField()),
                (
                    "u1",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ]
                    ),
                ),
                (
                    "u2",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ]
                    ),
                ),
                (
                    "u3",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ]
                    ),
                ),
                (
                    "u4",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ]
                    ),
                ),
                (
                    "u5",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ]
                    ),
                ),
                (
                    "u6",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ]
                    ),
                ),
                (
                    "u7",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ]
                    ),
                ),
                (
                    "u8",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ]
                    ),
                ),
                (
                    "u9",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(4),
                        ]
                    ),
                ),
                (
                    "suggestion",
                    layanan.core.fields.EncryptedTextField(blank=True, default="", verbose_name="saran"),
                ),
                ("has_suggestion", models.BooleanField(default=False)),
                (
                    "age_group",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("u20", "Di bawah 20 tahun"),
                            ("20-29", "20-29 tahun"),
                            ("30-39", "30-39 tahun"),
                            ("40-49", "40-49 tahun"),
                            ("50-59", "50-59 tahun"),
                            ("60+", "60 tahun ke atas"),
                        ],
                        default="",
                        max_length=6,
                    ),
                ),
                (
                    "sex",
                    models.CharField(
                        blank=True, choices=[("l", "Laki-laki"), ("p", "Perempuan")], default="", max_length=1
                    ),
                ),
                (
                    "education",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("sd", "SD ke bawah"),
                            ("smp", "SMP"),
                            ("sma", "SMA/SMK"),
                            ("diploma", "D1/D2/D3/D4"),
                            ("s1", "S1"),
                            ("s2", "S2 ke atas"),
                        ],
                        default="",
                        max_length=8,
                    ),
                ),
                (
                    "occupation",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("pns", "PNS"),
                            ("tni", "TNI"),
                            ("polri", "Polri"),
                            ("swasta", "Pegawai swasta"),
                            ("wirausaha", "Wirausaha"),
                            ("petani", "Petani/nelayan"),
                            ("pelajar", "Pelajar/mahasiswa"),
                            ("lainnya", "Lainnya"),
                        ],
                        default="",
                        max_length=10,
                    ),
                ),
                (
                    "office",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="agencies.office",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="catalogue.service",
                    ),
                ),
            ],
            options={
                "verbose_name": "jawaban survei",
                "verbose_name_plural": "jawaban survei",
                "ordering": ["period", "id"],
                "indexes": [
                    models.Index(fields=["office", "period"], name="survey_response_office"),
                    models.Index(fields=["service", "period"], name="survey_response_service"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("u1__range", (1, 4)),
                            ("u2__range", (1, 4)),
                            ("u3__range", (1, 4)),
                            ("u4__range", (1, 4)),
                            ("u5__range", (1, 4)),
                            ("u6__range", (1, 4)),
                            ("u7__range", (1, 4)),
                            ("u8__range", (1, 4)),
                            ("u9__range", (1, 4)),
                        ),
                        name="survey_response_scores_1_to_4",
                    )
                ],
            },
        ),
        migrations.RunPython(copy_unlinked, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="Response"),
        migrations.RenameModel(old_name="UnlinkedResponse", new_name="Response"),
    ]
