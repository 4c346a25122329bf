"""Letters take their letterhead and number code from the office (issue 12).

- The code on letter numbers moves to ``Office.letter_code`` (edited by the office's
  own staff on its letterhead page). A code an administrator had set on the office's
  numbering format is carried over; the one derived automatically before
  (``DESA-18-03-04-2009``: the office's short name or code upper-cased) is dropped,
  so the office gets the new, shorter default.
- The seeded letter templates said "Yang bertanda tangan di bawah ini,
  #letter.signer_position #letter.office" ("Kepala Desa Tanjung Raja Kantor Desa
  Tanjung Raja") and printed only the RT in the "RT / RW" row. Stored templates that
  still carry exactly that seeded text are corrected; an administrator's own
  wording is left alone. Safe to run twice.
"""

import re

from django.db import migrations

OLD_SIGNER = "#letter.signer_position #letter.office,"
NEW_SIGNER = "#letter.signer_title,"
OLD_RT = '("RT / RW", "rt"),'
NEW_RT = '("RT / RW", "rt_rw"),'
CODE = re.compile(r"^[A-Z0-9]+(?:[.-][A-Z0-9]+)*$")


def forwards(apps, schema_editor):
    numbering_model = apps.get_model("documents", "OfficeNumbering")
    for numbering in numbering_model.objects.select_related("office"):
        office = numbering.office
        derived = (office.short_name or office.code).strip().upper()[:40]
        code = (numbering.office_code or "").strip().upper()
        if code and code != derived and not office.letter_code and len(code) <= 20 and CODE.match(code):
            office.letter_code = code
            office.save(update_fields=["letter_code"])
    template_model = apps.get_model("documents", "LetterTemplate")
    for template in template_model.objects.all():
        body = template.body.replace(OLD_SIGNER, NEW_SIGNER).replace(OLD_RT, NEW_RT)
        if body != template.body:
            template.body = body
            template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_office_letterhead"),
        ("documents", "0004_remove_document_application"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="officenumbering", name="office_code"),
    ]
