"""The agency's evidence photos belong to its public answer: publish the ones already stored.

They stay hidden while their report is confidential or off the public list (the views check
that on every request). Safe to run twice.
"""

from django.db import migrations


def publish_evidence(apps, schema_editor):
    ReportPhoto = apps.get_model("complaints", "ReportPhoto")
    ReportPhoto.objects.filter(is_evidence=True, published=False).update(published=True)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_monitoring_day_indexes")]

    operations = [migrations.RunPython(publish_evidence, migrations.RunPython.noop)]
