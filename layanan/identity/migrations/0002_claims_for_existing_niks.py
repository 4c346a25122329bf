"""Every account holding a NIK from before claims were recorded gets an unverified claim to it."""

from django.db import migrations


def claim_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    NikClaim = apps.get_model("identity", "NikClaim")
    claimed = set(NikClaim.objects.values_list("user_id", flat=True))
    for user in User.objects.exclude(nik_hash="").only("pk", "nik", "nik_hash", "date_joined").iterator():
        if user.pk in claimed:
            continue  # safe to run twice
        NikClaim.objects.create(
            user_id=user.pk,
            nik=user.nik,
            nik_hash=user.nik_hash,
            status="claimed",
            claimed_at=user.date_joined,
        )


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_nik_claims_and_disputes")]

    operations = [migrations.RunPython(claim_existing, migrations.RunPython.noop)]
