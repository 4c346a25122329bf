"""Seed the cuti bersama of 2026 and 2027 (SKB 3 Menteri), the same rows as data/cuti_bersama.csv.

Runs twice safely: rows are matched by (date, kind) and left alone when present,
so an administrator's later edits survive. The dates must be confirmed against
the signed SKB; the admin can correct them.
"""

import datetime

from django.db import migrations

BASIS_2026 = "SKB 3 Menteri 2026 (harus dikonfirmasi)"
BASIS_2027 = "SKB 3 Menteri 2027 (harus dikonfirmasi)"
CUTI_BERSAMA = [
    (datetime.date(2026, 2, 16), "Cuti Bersama Tahun Baru Imlek", BASIS_2026),
    (datetime.date(2026, 3, 18), "Cuti Bersama Hari Suci Nyepi", BASIS_2026),
    (datetime.date(2026, 3, 20), "Cuti Bersama Idul Fitri", BASIS_2026),
    (datetime.date(2026, 3, 23), "Cuti Bersama Idul Fitri", BASIS_2026),
    (datetime.date(2026, 3, 24), "Cuti Bersama Idul Fitri", BASIS_2026),
    (datetime.date(2026, 5, 15), "Cuti Bersama Kenaikan Yesus Kristus", BASIS_2026),
    (datetime.date(2026, 5, 28), "Cuti Bersama Idul Adha", BASIS_2026),
    (datetime.date(2026, 12, 24), "Cuti Bersama Hari Raya Natal", BASIS_2026),
    (datetime.date(2027, 2, 5), "Cuti Bersama Tahun Baru Imlek", BASIS_2027),
    (datetime.date(2027, 3, 9), "Cuti Bersama Idul Fitri", BASIS_2027),
    (datetime.date(2027, 3, 12), "Cuti Bersama Idul Fitri", BASIS_2027),
    (datetime.date(2027, 3, 15), "Cuti Bersama Idul Fitri", BASIS_2027),
    (datetime.date(2027, 3, 25), "Cuti Bersama Wafat Yesus Kristus", BASIS_2027),
    (datetime.date(2027, 5, 18), "Cuti Bersama Idul Adha", BASIS_2027),
    (datetime.date(2027, 5, 19), "Cuti Bersama Hari Raya Waisak", BASIS_2027),
    (datetime.date(2027, 12, 24), "Cuti Bersama Hari Raya Natal", BASIS_2027),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("calendars", "Holiday")
    for day, name, basis in CUTI_BERSAMA:
        Holiday.objects.get_or_create(date=day, kind="cuti_bersama", defaults={"name": name, "basis": basis})


class Migration(migrations.Migration):
    dependencies = [
        ("calendars", "0001_holiday"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
