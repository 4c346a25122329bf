"""The staff page of disputed NIK claims: Disdukcapil and administrators only, every settlement audited."""

from __future__ import annotations

import pytest

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.identity.models import NikClaim, NikDispute
from layanan.identity.services import citizen_identity_set
from layanan.identity.testing import make_nik
from layanan.testing import make_user

DISPUTES = "/petugas/nik/sengketa/"
NIK = make_nik(female=True)


@pytest.fixture
def disputed(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    other = make_user(phone="081299990001", full_name="Pengaku Lain")
    citizen_identity_set(user=other, nik=NIK, actor=other)
    return NikDispute.objects.get(), other


@pytest.mark.parametrize("persona", ["budi", "sekar", "admin"])
def test_the_office_and_administrators_see_each_dispute_with_the_nik_masked(client, cast, disputed, persona):
    sign_in(client, getattr(cast, persona))

    response = client.get(DISPUTES)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Siti Aminah" in html
    assert "Pengaku Lain" in html
    assert NIK not in html
    assert NIK[:4] + "********" + NIK[-4:] in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("persona", ["siti", "andi", "rini", "bupati", "auditor"])
def test_everyone_else_is_refused_the_page(client, cast, disputed, persona):
    sign_in(client, getattr(cast, persona))
    assert client.get(DISPUTES).status_code == 403


def test_an_officer_of_disdukcapil_settles_a_dispute(client, cast, disputed):
    dispute, other = disputed
    winner = NikClaim.objects.get(user=cast.siti)
    sign_in(client, cast.budi)

    response = client.post(f"{DISPUTES}{dispute.pk}/selesaikan/", {"winner": str(winner.pk)}, follow=True)

    assert response.redirect_chain == [(DISPUTES, 302)]
    assert "Sengketa NIK sudah diselesaikan." in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.outcome == NikDispute.Outcome.AWARDED
    assert NikClaim.objects.get(user=other).status == NikClaim.Status.REJECTED
    event = AuditEvent.objects.get(action="identity.nik_dispute_resolved")
    assert event.actor_id == cast.budi.pk


@pytest.mark.parametrize("persona", ["andi", "siti", "rini"])
def test_an_officer_of_another_office_or_a_citizen_cannot_settle_it(client, cast, disputed, persona):
    dispute, _other = disputed
    winner = NikClaim.objects.get(user=cast.siti)
    sign_in(client, getattr(cast, persona))

    response = client.post(f"{DISPUTES}{dispute.pk}/selesaikan/", {"winner": str(winner.pk)})

    assert response.status_code == 403
    dispute.refresh_from_db()
    assert dispute.is_open
    assert not AuditEvent.objects.filter(action="identity.nik_dispute_resolved").exists()


def test_a_claim_from_outside_the_dispute_is_refused(client, cast, disputed):
    dispute, _other = disputed
    citizen_identity_set(user=cast.bupati, nik=make_nik(serial="9008"), actor=cast.bupati)
    outsider = NikClaim.objects.get(user=cast.bupati)
    sign_in(client, cast.admin)

    response = client.post(f"{DISPUTES}{dispute.pk}/selesaikan/", {"winner": str(outsider.pk)}, follow=True)

    assert "Pilih akun pemilik NIK" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.is_open


def test_the_page_needs_a_sign_in(client, db):
    response = client.get(DISPUTES)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")
