"""Seal every user's birth date and sex, which sat in clear beside the home region.

First the columns become plain text (a date keeps its ISO spelling), then each
value is sealed for its column, then the fields become the encrypted ones.
Safe to run twice: a value already sealed is left alone. Reversible.
"""

from django.db import migrations, models

import layanan.core.fields
from layanan.core import crypto

_COLUMNS = ("birth_date", "sex")


def _context(name):
    return f"accounts.user.{name}"


def seal(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    rows = User.objects.exclude(birth_date__isnull=True, sex="").values_list("pk", *_COLUMNS)
    for pk, *values in rows.iterator():
        changes = {}
        for name, value in zip(_COLUMNS, values, strict=True):
            if value and not str(value).startswith(crypto.PREFIX + ":"):
                changes[name] = crypto.encrypt(str(value), context=_context(name))
        if changes:
            User.objects.filter(pk=pk).update(**changes)


def unseal(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    rows = User.objects.exclude(birth_date__isnull=True, sex="").values_list("pk", *_COLUMNS)
    for pk, *values in rows.iterator():
        changes = {}
        for name, value in zip(_COLUMNS, values, strict=True):
            if value and str(value).startswith(crypto.PREFIX + ":"):
                changes[name] = crypto.decrypt(value, context=_context(name))
        if changes:
            User.objects.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_user_sessions")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="birth_date",
            field=models.TextField(blank=True, null=True, verbose_name="tanggal lahir"),
        ),
        migrations.AlterField(
            model_name="user",
            name="sex",
            field=models.TextField(blank=True, default="", verbose_name="jenis kelamin"),
        ),
        migrations.RunPython(seal, unseal),
        migrations.AlterField(
            model_name="user",
            name="birth_date",
            field=layanan.core.fields.EncryptedDateField(blank=True, null=True, verbose_name="tanggal lahir"),
        ),
        migrations.AlterField(
            model_name="user",
            name="sex",
            field=layanan.core.fields.EncryptedTextField(
                blank=True,
                choices=[("", "—"), ("L", "Laki-laki"), ("P", "Perempuan")],
                default="",
                verbose_name="jenis kelamin",
            ),
        ),
    ]
