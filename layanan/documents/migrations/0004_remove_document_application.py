# applications.0004_issued_letters (which runs before this one) has copied each
# document's application into applications.IssuedLetter.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_document_owner_and_kind"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="document",
            name="application",
        ),
    ]
