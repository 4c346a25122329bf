"""The demo offices get plausible letterheads; what someone wrote is kept; never in production."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from layanan.agencies.letterhead import office_letterhead

pytestmark = pytest.mark.django_db


def test_the_demo_village_office_gets_its_letterhead(world) -> None:
    call_command("seed_demo_letterheads", stdout=io.StringIO())

    world.desa_tanjung_raja.refresh_from_db()
    letterhead = office_letterhead(world.desa_tanjung_raja)
    assert letterhead.lines == (
        "PEMERINTAH KABUPATEN LAMPUNG UTARA",
        "KECAMATAN TANJUNG RAJA",
        "DESA TANJUNG RAJA",
    )
    assert letterhead.address.startswith("Jl. Poros Desa Tanjung Raja No. 12")
    assert (letterhead.head_title, letterhead.letter_code) == ("Kepala Desa Tanjung Raja", "TJR")
    assert letterhead.email.endswith("@demo.example")


def test_it_keeps_what_an_office_wrote_and_can_run_twice(world) -> None:
    office = world.desa_tanjung_raja
    office.letter_code = "DS-TJR"
    office.save(update_fields=["letter_code"])

    call_command("seed_demo_letterheads", stdout=io.StringIO())
    call_command("seed_demo_letterheads", stdout=io.StringIO())

    office.refresh_from_db()
    assert office.letter_code == "DS-TJR"
    assert office.head_title == "Kepala Desa Tanjung Raja"


def test_it_is_refused_in_production(world, settings) -> None:
    settings.ENVIRONMENT = "production"

    with pytest.raises(CommandError, match="refused in production"):
        call_command("seed_demo_letterheads", stdout=io.StringIO())

    world.desa_tanjung_raja.refresh_from_db()
    assert world.desa_tanjung_raja.letter_code == ""
