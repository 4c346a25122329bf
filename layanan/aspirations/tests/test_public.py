"""The public view per desa, the Musrenbang dates, the open-data counts, and the person's data."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from layanan.aspirations import selectors, services
from layanan.aspirations.models import Level, MusrenbangRound, Plan, Support, Usulan
from layanan.aspirations.services import musrenbang_year
from layanan.aspirations.tests.builders import client_of, joko, usulan, wati
from layanan.privacy.selectors import data_counts, subject_data
from layanan.privacy.services import account_anonymise

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(cast):
    built = usulan(cast, title="Jembatan gantung Way Rarem")
    accepted = usulan(cast, title="Posyandu Dusun I", topic="kesehatan")
    proposed = usulan(cast, title="Lampu jalan Dusun IV")
    services.usulan_support(usulan=built, user=joko(cast))
    year = musrenbang_year()
    services.usulan_accept(usulan=built, actor=cast.rini, plan=Plan.RKPDES, plan_year=year)
    services.usulan_built(usulan=built, actor=cast.rini, built_on=timezone.localdate())
    services.usulan_accept(usulan=accepted, actor=cast.rini, plan=Plan.RKPDES, plan_year=year)
    return built, accepted, proposed


def test_the_index_lists_kecamatan_and_desa_with_counts(cast, cycle):
    page = client_of(None).get(reverse("aspirations:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kecamatan Tanjung Raja" in html
    assert "Kecamatan Kotabumi" in html
    assert "3 diusulkan, 2 diterima, 1 dibangun" in html


def test_the_desa_page_shows_what_was_proposed_accepted_and_built_without_names(cast, cycle):
    page = client_of(None).get(reverse("aspirations:desa", args=[cast.world.tanjung_raja_desa.code]))
    assert page.status_code == 200
    html = page.content.decode()
    built_at = html.index("Sudah dibangun")
    accepted_at = html.index("Diterima masuk rencana")
    proposed_at = html.index("Diusulkan</h2>")
    assert built_at < html.index("Jembatan gantung Way Rarem") < accepted_at
    assert accepted_at < html.index("Posyandu Dusun I") < proposed_at < html.index("Lampu jalan Dusun IV")
    assert "Wati" not in html
    assert "Joko" not in html
    assert "Musrenbang desa berikutnya" in html


def test_a_kecamatan_code_is_not_a_desa_page(cast):
    assert (
        client_of(None).get(reverse("aspirations:desa", args=[cast.world.tanjung_raja.code])).status_code
        == 404
    )
    assert client_of(None).get(reverse("aspirations:desa", args=["99.99"])).status_code == 404


def test_the_next_musrenbang_is_january_and_february_by_default_and_an_administrators_date_wins(cast):
    desa_round = selectors.next_round(Level.DESA, today=date(2026, 3, 10))
    assert (desa_round.starts_on, desa_round.exact) == (date(2027, 1, 1), False)
    kecamatan = selectors.next_round(Level.KECAMATAN, today=date(2026, 1, 20))
    assert kecamatan.starts_on == date(2026, 2, 1)
    MusrenbangRound.objects.create(year=2027, level=Level.DESA, starts_on=date(2027, 1, 14))
    assert selectors.next_round(Level.DESA, today=date(2026, 3, 10)).starts_on == date(2027, 1, 14)
    assert selectors.next_round(Level.DESA, today=date(2026, 3, 10)).exact is True


def test_the_months_come_from_the_settings(cast, settings):
    settings.MUSRENBANG_DESA_MONTH = 3
    assert selectors.next_round(Level.DESA, today=date(2026, 2, 10)).starts_on == date(2026, 3, 1)


def test_open_data_counts_per_desa_topic_and_year(cast, cycle):
    rows = selectors.open_data_counts()
    year = musrenbang_year()
    roads = next(r for r in rows if r["topic"] == "jalan")
    assert roads == {
        "desa_code": "18.03.04.2009",
        "kecamatan_code": "18.03.04",
        "topic": "jalan",
        "year": year,
        "proposed": 2,
        "accepted": 1,
        "built": 1,
        "supporters": 1,
    }
    health = next(r for r in rows if r["topic"] == "kesehatan")
    assert (health["proposed"], health["accepted"], health["built"], health["supporters"]) == (1, 1, 0, 0)


def test_the_persons_data_shows_their_usulan_and_supports_and_erasure_unlinks_them(cast, cycle):
    built, _accepted, _proposed = cycle
    data = subject_data(subject=wati(cast))
    assert {item["title"] for item in data["aspirations"]} == {
        "Jembatan gantung Way Rarem",
        "Posyandu Dusun I",
        "Lampu jalan Dusun IV",
    }
    assert subject_data(subject=joko(cast))["supported_aspirations"] == [built.number]
    assert data_counts(subject=wati(cast))["aspirations"] == 3
    counts = account_anonymise(citizen=joko(cast), actor=cast.admin)
    assert counts["aspiration_supports"] == 1
    assert not Support.objects.exists()
    account_anonymise(citizen=wati(cast), actor=cast.admin)
    assert Usulan.objects.count() == 3
    assert not Usulan.objects.filter(proposer__isnull=False).exists()


def test_the_pages_speak_english_when_asked(cast, settings):
    client = client_of(None)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("aspirations:index")).content.decode()
    assert "Village development proposals (Musrenbang)" in html
    assert "Next village Musrenbang" in html
