"""A NIK is a claim until an officer checks the KTP-el; a second claim is a dispute, never a refusal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from layanan.accounts.models import User
from layanan.audit.models import AuditEvent
from layanan.core.crypto import blind_index
from layanan.identity.models import NikClaim, NikDispute
from layanan.identity.selectors import NikMatch, nik_match, nik_status_of
from layanan.identity.services import ClaimError, citizen_identity_set, nik_claim_verify, nik_dispute_resolve
from layanan.identity.testing import make_kk, make_nik
from layanan.testing import make_user

NIK = make_nik(female=True)


def _claims(nik: str = NIK) -> list[tuple[int, str]]:
    return list(
        NikClaim.objects.filter(nik_hash=blind_index(nik, purpose="nik"))
        .order_by("pk")
        .values_list("user_id", "status")
    )


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_a_first_claim_is_recorded_as_claimed_not_verified(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)

    assert _claims() == [(cast.siti.pk, "claimed")]
    assert User.objects.get(pk=cast.siti.pk).nik == NIK
    status = nik_status_of(user=cast.siti)
    assert status is not None
    assert status.verified is False
    assert status.masked == NIK[:4] + "********" + NIK[-4:]


def test_a_second_claim_opens_a_dispute_and_gives_the_nik_to_nobody_new(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    other = make_user(phone="081299990001", full_name="Pengaku Lain")

    citizen_identity_set(user=other, nik=NIK, actor=other)  # no error: nothing is revealed

    assert _claims() == [(cast.siti.pk, "disputed"), (other.pk, "disputed")]
    other.refresh_from_db()
    assert other.nik == ""
    assert other.nik_hash == ""
    assert other.birth_date is not None  # what they typed is kept for their own forms
    [dispute] = NikDispute.objects.all()
    assert dispute.is_open
    assert "identity.nik_disputed" in _actions()
    # The second claimant sees exactly what any unverified claimant sees.
    assert nik_status_of(user=other) == nik_status_of(user=cast.siti)


def test_a_third_claim_joins_the_open_dispute(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    for phone in ("081299990001", "081299990002"):
        claimant = make_user(phone=phone, full_name="Pengaku")
        citizen_identity_set(user=claimant, nik=NIK, actor=claimant)

    assert NikDispute.objects.count() == 1
    assert NikDispute.objects.get().claims.count() == 3


def test_an_account_holding_a_nik_from_before_claims_is_drawn_into_the_dispute(cast):
    User.objects.filter(pk=cast.siti.pk).update(nik=NIK, nik_hash=blind_index(NIK, purpose="nik"))
    other = make_user(phone="081299990001", full_name="Pengaku Lain")

    citizen_identity_set(user=other, nik=NIK, actor=other)

    assert _claims() == [(cast.siti.pk, "disputed"), (other.pk, "disputed")]


def test_claiming_another_nik_replaces_the_open_claim(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    citizen_identity_set(user=cast.siti, nik=make_nik(female=True, serial="9009"), actor=cast.siti)

    assert _claims() == [(cast.siti.pk, "replaced")]
    assert _claims(make_nik(female=True, serial="9009")) == [(cast.siti.pk, "claimed")]


# --- verification at the office ----------------------------------------------------------------------


def test_a_counter_officer_verifies_a_claim_seen_with_the_ktp(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    claim = NikClaim.objects.get(user=cast.siti)

    nik_claim_verify(claim=claim, actor=cast.budi)

    claim.refresh_from_db()
    assert claim.status == NikClaim.Status.VERIFIED
    assert claim.verified_by == cast.budi
    assert nik_status_of(user=cast.siti).verified is True  # type: ignore[union-attr]
    assert "identity.nik_verified" in _actions()


@pytest.mark.parametrize("persona", ["siti", "bupati", "auditor"])
def test_the_claimant_and_staff_without_a_counter_cannot_verify(cast, persona):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    claim = NikClaim.objects.get(user=cast.siti)

    with pytest.raises(PermissionDenied):
        nik_claim_verify(claim=claim, actor=getattr(cast, persona))

    claim.refresh_from_db()
    assert claim.status == NikClaim.Status.CLAIMED


def test_a_disputed_claim_is_settled_through_its_dispute_not_verified(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    other = make_user(phone="081299990001", full_name="Pengaku Lain")
    citizen_identity_set(user=other, nik=NIK, actor=other)

    with pytest.raises(ClaimError):
        nik_claim_verify(claim=NikClaim.objects.get(user=other), actor=cast.budi)


# --- settling a dispute ------------------------------------------------------------------------------


@pytest.fixture
def disputed(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    other = make_user(phone="081299990001", full_name="Pengaku Lain")
    citizen_identity_set(user=other, nik=NIK, actor=other)
    return NikDispute.objects.get(), other


def test_awarding_the_nik_verifies_the_owner_and_takes_it_from_the_others(cast, disputed):
    dispute, other = disputed
    winner = NikClaim.objects.get(user=other)

    nik_dispute_resolve(dispute=dispute, winner=winner, actor=cast.budi)

    assert _claims() == [(cast.siti.pk, "rejected"), (other.pk, "verified")]
    assert User.objects.get(pk=other.pk).nik == NIK
    assert User.objects.get(pk=cast.siti.pk).nik == ""
    dispute.refresh_from_db()
    assert dispute.outcome == NikDispute.Outcome.AWARDED
    assert dispute.resolved_by == cast.budi
    event = AuditEvent.objects.get(action="identity.nik_dispute_resolved")
    assert NIK not in str(event.details)


def test_awarding_it_to_nobody_takes_it_from_everyone(cast, disputed):
    dispute, other = disputed

    nik_dispute_resolve(dispute=dispute, winner=None, actor=cast.admin)

    assert _claims() == [(cast.siti.pk, "rejected"), (other.pk, "rejected")]
    assert not User.objects.filter(nik_hash=blind_index(NIK, purpose="nik")).exists()


def test_a_settled_dispute_cannot_be_settled_again(cast, disputed):
    dispute, _other = disputed
    nik_dispute_resolve(dispute=dispute, winner=None, actor=cast.admin)

    with pytest.raises(ClaimError):
        nik_dispute_resolve(dispute=dispute, winner=None, actor=cast.budi)


@pytest.mark.parametrize("persona", ["andi", "rini", "bupati", "auditor", "siti"])
def test_only_the_disdukcapil_office_and_administrators_settle_disputes(cast, disputed, persona):
    dispute, other = disputed

    with pytest.raises(PermissionDenied):
        nik_dispute_resolve(
            dispute=dispute, winner=NikClaim.objects.get(user=other), actor=getattr(cast, persona)
        )

    dispute.refresh_from_db()
    assert dispute.is_open
    assert _claims() == [(cast.siti.pk, "disputed"), (other.pk, "disputed")]


# --- does a typed NIK belong to the applicant? -------------------------------------------------------


def test_the_applicants_own_nik_matches(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    assert nik_match(applicant=cast.siti, nik=NIK) is NikMatch.OWN
    assert nik_match(applicant=cast.siti, nik=" ".join([NIK[:8], NIK[8:]])) is NikMatch.OWN


def test_a_family_members_nik_on_the_same_kk_matches(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, kk=make_kk(), actor=cast.siti)
    child = make_user(phone="081299990001", full_name="Anak Siti")
    child_nik = make_nik(day=1, month=1, year=2010, serial="9005")
    citizen_identity_set(user=child, nik=child_nik, kk=make_kk(), actor=child)

    assert nik_match(applicant=User.objects.get(pk=cast.siti.pk), nik=child_nik) is NikMatch.FAMILY


def test_a_stranger_s_nik_or_a_disputed_one_does_not_match(cast, disputed):
    _dispute, other = disputed
    stranger = make_nik(serial="9007")
    assert nik_match(applicant=cast.siti, nik=stranger) is NikMatch.MISMATCH
    assert nik_match(applicant=User.objects.get(pk=other.pk), nik=NIK) is NikMatch.DISPUTED
    assert not NikMatch.DISPUTED.ok
