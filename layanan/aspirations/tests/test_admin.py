"""The admin: Musrenbang dates set by administrators (audited); usulan read-only, never the proposer."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from layanan.aspirations.models import Level, MusrenbangRound
from layanan.aspirations.tests.builders import client_of, usulan
from layanan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_administrator_sets_the_desa_musrenbang_date_and_the_desa_page_shows_it(cast):
    year = timezone.localdate().year + 1  # always ahead: next year's January
    admin = client_of(cast.admin)
    response = admin.post(
        reverse("admin:aspirations_musrenbanground_add"),
        {
            "year": str(year),
            "level": Level.DESA,
            "starts_on": f"{year}-01-14",
            "ends_on": "",
            "note": "Balai desa",
        },
    )
    assert response.status_code == 302
    made = MusrenbangRound.objects.get()
    assert (made.year, made.level, str(made.starts_on)) == (year, "desa", f"{year}-01-14")
    assert AuditEvent.objects.filter(action="aspirations.round_create", object_id=str(made.pk)).exists()
    page = client_of(None).get(reverse("aspirations:desa", args=[cast.world.tanjung_raja_desa.code]))
    assert f"14 Januari {year}" in page.content.decode()


def test_the_usulan_admin_is_read_only_and_never_shows_the_proposer(cast):
    made = usulan(cast)
    admin = client_of(cast.admin)
    for url in (
        reverse("admin:aspirations_usulan_changelist"),
        reverse("admin:aspirations_usulan_change", args=[made.pk]),
    ):
        response = admin.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Perbaikan jalan Dusun II" in html
        assert "Wati" not in html
    assert (
        admin.post(reverse("admin:aspirations_usulan_delete", args=[made.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_staff_who_are_not_administrators_cannot_open_the_admin(cast):
    for persona in (cast.rini, cast.budi, cast.auditor):
        response = client_of(persona).get(reverse("admin:aspirations_musrenbanground_changelist"))
        assert response.status_code == 302
    assert not MusrenbangRound.objects.exists()
