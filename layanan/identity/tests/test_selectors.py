import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from layanan.identity.selectors import mask_nik, user_find_by_nik
from layanan.identity.services import citizen_identity_set
from layanan.identity.testing import make_nik

SITI_NIK = make_nik(female=True)


@pytest.fixture
def siti_with_nik(cast):
    citizen_identity_set(user=cast.siti, nik=SITI_NIK, actor=cast.siti)
    return cast.siti


@pytest.mark.parametrize("persona", ["budi", "andi", "rini", "admin"])
def test_counter_and_agency_staff_find_a_citizen_by_nik(cast, siti_with_nik, persona):
    assert user_find_by_nik(actor=getattr(cast, persona), nik=SITI_NIK) == siti_with_nik


@pytest.mark.parametrize("persona", ["bupati", "auditor", "sekar"])
def test_staff_who_serve_no_counter_may_not_look_up_a_nik(cast, siti_with_nik, persona):
    with pytest.raises(PermissionDenied):
        user_find_by_nik(actor=getattr(cast, persona), nik=SITI_NIK)


def test_the_nik_may_be_typed_with_spaces(cast, siti_with_nik):
    spaced = " ".join(SITI_NIK[i : i + 4] for i in range(0, 16, 4))
    assert user_find_by_nik(actor=cast.budi, nik=spaced) == siti_with_nik


def test_an_unknown_or_malformed_nik_finds_nobody(cast, siti_with_nik):
    assert user_find_by_nik(actor=cast.budi, nik=make_nik(serial="9999")) is None
    assert user_find_by_nik(actor=cast.budi, nik="1803") is None
    assert user_find_by_nik(actor=cast.budi, nik="") is None


def test_a_citizen_may_not_look_anyone_up_by_nik(cast, siti_with_nik):
    with pytest.raises(PermissionDenied):
        user_find_by_nik(actor=cast.siti, nik=SITI_NIK)
    with pytest.raises(PermissionDenied):
        user_find_by_nik(actor=AnonymousUser(), nik=SITI_NIK)


def test_a_deactivated_officer_may_not_look_anyone_up(cast, siti_with_nik):
    cast.budi.is_active = False
    with pytest.raises(PermissionDenied):
        user_find_by_nik(actor=cast.budi, nik=SITI_NIK)


def test_mask_nik_shows_the_first_and_last_four_digits():
    assert mask_nik("1803021708859001") == "1803********9001"
    assert mask_nik("1803 0217 0885 9001") == "1803********9001"


def test_mask_nik_hides_everything_of_a_value_too_short_to_mask_partly():
    assert mask_nik("18030217") == "********"
    assert mask_nik("") == ""
    assert mask_nik(None) == ""
