# The link between an application and its letters moves here from
# documents.Document.application (docs/decisions/0005-documents-stand-alone.md).
# Each existing document gets its IssuedLetter row, and its owner (the
# applicant), owner_agent (the operator who applied for them), kind and
# reference (the tracking number). Safe to run twice; reversible.

import django.db.models.deletion
from django.db import migrations, models


def links_copy(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    IssuedLetter = apps.get_model("applications", "IssuedLetter")
    documents = Document.objects.filter(application__isnull=False).select_related("application")
    for document in documents.iterator():
        application = document.application
        IssuedLetter.objects.get_or_create(
            document_id=document.pk, defaults={"application_id": application.pk}
        )
        Document.objects.filter(pk=document.pk).update(
            kind="application",
            reference=application.tracking_number or "",
            owner_id=application.applicant_id,
            owner_agent_id=application.submitted_by_id,
        )


def links_copy_back(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    IssuedLetter = apps.get_model("applications", "IssuedLetter")
    for letter in IssuedLetter.objects.iterator():
        Document.objects.filter(pk=letter.document_id).update(application_id=letter.application_id)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_monitoring_day_indexes"),
        ("documents", "0003_document_owner_and_kind"),
    ]
    run_before = [
        ("documents", "0004_remove_document_application"),
    ]

    operations = [
        migrations.CreateModel(
            name="IssuedLetter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="issued_letters",
                        to="applications.application",
                    ),
                ),
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.document",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="application",
            name="documents",
            field=models.ManyToManyField(
                blank=True,
                editable=False,
                related_name="+",
                through="applications.IssuedLetter",
                to="documents.document",
            ),
        ),
        migrations.RunPython(links_copy, links_copy_back, elidable=False),
    ]
