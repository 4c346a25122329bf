"""The first tags for reading the feedback; administrators edit the list in the admin. Safe to run twice."""

from django.db import migrations

TAGS = [
    ("navigasi", "Navigasi", "Navigation", 10),
    ("bahasa", "Bahasa", "Wording", 20),
    ("formulir", "Formulir", "Forms", 30),
    ("bug", "Bug", "Bug", 40),
    ("kecepatan", "Kecepatan", "Speed", 50),
    ("lainnya", "Lainnya", "Other", 90),
]


def seed(apps, schema_editor):
    Tag = apps.get_model("feedback", "Tag")
    for slug, name, name_en, order in TAGS:
        Tag.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_pages_tags_and_changes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
