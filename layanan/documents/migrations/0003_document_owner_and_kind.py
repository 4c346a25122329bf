# The first step of moving the application link out of documents
# (docs/decisions/0005-documents-stand-alone.md): a document keeps who may
# download it and what kind it is; its link to an application may be empty
# until applications.0004_issued_letters has copied it, and is then removed by
# 0004_remove_document_application.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_index_document_sha256"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="kind",
            field=models.CharField(
                default="",
                help_text="Aplikasi yang meminta dokumen ini, misalnya application.",
                max_length=40,
                verbose_name="jenis",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="document",
            name="reference",
            field=models.CharField(blank=True, default="", max_length=60, verbose_name="rujukan"),
        ),
        migrations.AddField(
            model_name="document",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                help_text="Warga yang boleh mengunduh dokumen ini.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="pemilik",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="owner_agent",
            field=models.ForeignKey(
                blank=True,
                help_text="Operator yang mengajukan atas nama pemilik; boleh mengunduh juga.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="pendamping pemilik",
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="application",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="applications.application",
            ),
        ),
    ]
