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


# --- verifying a claim at the counter ----------------------------------------------------------------

CLAIMS = "/petugas/nik/"


def test_an_officer_finds_a_claim_by_the_nik_and_verifies_it_after_seeing_the_ktp(client, cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    claim = NikClaim.objects.get(user=cast.siti)
    sign_in(client, cast.budi)

    found = client.post(CLAIMS, {"nik": NIK})

    html = found.content.decode()
    assert found.status_code == 200
    assert "Siti Aminah" in html
    assert f"/petugas/nik/klaim/{claim.pk}/verifikasi/" in html
    looked_up = AuditEvent.objects.get(action="identity.nik_looked_up")
    assert looked_up.actor_id == cast.budi.pk
    assert looked_up.details == {"found": 1}
    assert NIK not in str(looked_up.details)

    verified = client.post(f"{CLAIMS}klaim/{claim.pk}/verifikasi/", follow=True)

    assert verified.redirect_chain == [(CLAIMS, 302)]
    assert "sudah diverifikasi" in verified.content.decode()
    claim.refresh_from_db()
    assert claim.status == NikClaim.Status.VERIFIED
    assert claim.verified_by_id == cast.budi.pk
    assert AuditEvent.objects.get(action="identity.nik_verified").actor_id == cast.budi.pk


def test_an_operator_finds_a_claim_outside_her_area_but_cannot_verify_it(client, cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)  # Siti lives in Kotabumi Pasar
    claim = NikClaim.objects.get(user=cast.siti)
    sign_in(client, cast.rini)  # the operator of Desa Tanjung Raja

    html = client.post(CLAIMS, {"nik": NIK}).content.decode()

    assert "Siti Aminah" in html
    assert "/verifikasi/" not in html
    assert client.post(f"{CLAIMS}klaim/{claim.pk}/verifikasi/").status_code == 403
    assert NikClaim.objects.get(user=cast.siti).status == NikClaim.Status.CLAIMED


def test_an_unknown_nik_finds_nothing_and_a_disputed_claim_offers_no_verification(client, cast, disputed):
    sign_in(client, cast.budi)

    nothing = client.post(CLAIMS, {"nik": make_nik(female=False)})
    assert nothing.status_code == 200
    assert "Tidak ada akun yang mengklaim NIK ini." in nothing.content.decode()

    both = client.post(CLAIMS, {"nik": NIK}).content.decode()
    assert "Siti Aminah" in both
    assert "Pengaku Lain" in both
    assert "/verifikasi/" not in both
    claim = NikClaim.objects.get(user=cast.siti)
    refused = client.post(f"{CLAIMS}klaim/{claim.pk}/verifikasi/", follow=True)
    assert "disengketakan" in refused.content.decode()
    assert NikClaim.objects.get(user=cast.siti).status == NikClaim.Status.DISPUTED


@pytest.mark.parametrize("persona", ["siti", "sekar", "bupati", "auditor"])
def test_the_counter_page_and_its_verification_are_refused_to_others(client, cast, persona):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    claim = NikClaim.objects.get(user=cast.siti)
    sign_in(client, getattr(cast, persona))

    assert client.get(CLAIMS).status_code == 403
    assert client.post(CLAIMS, {"nik": NIK}).status_code == 403
    assert client.post(f"{CLAIMS}klaim/{claim.pk}/verifikasi/").status_code == 403
    assert NikClaim.objects.get(user=cast.siti).status == NikClaim.Status.CLAIMED
    recorded = AuditEvent.objects.filter(action__in=["identity.nik_looked_up", "identity.nik_verified"])
    assert not recorded.exists()


def test_staff_cannot_verify_their_own_claim(client, cast):
    citizen_identity_set(user=cast.rini, nik=NIK, actor=cast.rini)
    claim = NikClaim.objects.get(user=cast.rini)
    sign_in(client, cast.rini)

    assert "/verifikasi/" not in client.post(CLAIMS, {"nik": NIK}).content.decode()
    assert client.post(f"{CLAIMS}klaim/{claim.pk}/verifikasi/").status_code == 403
    assert NikClaim.objects.get(user=cast.rini).status == NikClaim.Status.CLAIMED
