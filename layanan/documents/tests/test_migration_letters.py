"""Migration documents.0005: codes set by an administrator move to the office; seeded phrases are fixed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("documents", "0004_remove_document_application"), ("agencies", "0002_office_letterhead")]
AFTER = [("documents", "0005_letters_office_letterhead")]
# The other apps stay at their latest migration while documents goes back and forth: their
# historical models must match the tables (a catalogue service has columns added since).
LATEST_ELSEWHERE = ("catalogue",)


def _with_latest(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [*targets, *(node for app in LATEST_ELSEWHERE for node in executor.loader.graph.leaf_nodes(app))]


SEEDED_BODY = (
    "Yang bertanda tangan di bawah ini, #letter.signer_position #letter.office, menerangkan bahwa:\n"
    '#rows(\n  ("Nama", "nama"),\n  ("RT / RW", "rt"),\n)\n'
)


@pytest.mark.django_db(transaction=True)
def test_it_moves_set_codes_to_the_office_drops_derived_ones_and_fixes_seeded_templates() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(_with_latest(executor, BEFORE)).apps
    Region = old.get_model("regions", "Region")
    Office = old.get_model("agencies", "Office")
    OfficeNumbering = old.get_model("documents", "OfficeNumbering")
    Service = old.get_model("catalogue", "Service")
    LetterTemplate = old.get_model("documents", "LetterTemplate")
    region = Region.objects.create(code="18", name="Lampung", level="provinsi")
    set_by_admin = Office.objects.create(code="desa-a", name="Kantor Desa A", kind="desa", region=region)
    derived = Office.objects.create(code="desa-b", name="Kantor Desa B", kind="desa", region=region)
    OfficeNumbering.objects.create(office=set_by_admin, office_code="DS-TJR")
    OfficeNumbering.objects.create(office=derived, office_code="DESA-B")
    seeded = LetterTemplate.objects.create(
        service=Service.objects.create(slug="domisili", name="Domisili", sla_working_days=1),
        classification_code="470",
        title="Surat Keterangan Domisili",
        body=SEEDED_BODY,
    )
    edited = LetterTemplate.objects.create(
        service=Service.objects.create(slug="sku", name="SKU", sla_working_days=1),
        classification_code="503",
        title="Surat Keterangan Usaha",
        body="Kami, #letter.signer_position, menerangkan.",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    new = executor.loader.project_state(_with_latest(executor, AFTER)).apps
    offices = new.get_model("agencies", "Office").objects
    templates = new.get_model("documents", "LetterTemplate").objects
    assert offices.get(pk=set_by_admin.pk).letter_code == "DS-TJR"
    assert offices.get(pk=derived.pk).letter_code == ""
    body = templates.get(pk=seeded.pk).body
    assert "Yang bertanda tangan di bawah ini, #letter.signer_title, menerangkan" in body
    assert '("RT / RW", "rt_rw"),' in body
    assert templates.get(pk=edited.pk).body == "Kami, #letter.signer_position, menerangkan."
