from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from layanan.accounts.models import User
from layanan.core.crypto import blind_index
from layanan.identity import services
from layanan.identity.services import citizen_identity_set
from layanan.identity.testing import make_kk, make_nik


@pytest.fixture
def audit_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "audit_record", lambda **kwargs: calls.append(kwargs))
    return calls


def test_a_citizen_sets_her_own_nik_and_the_birth_date_and_sex_come_from_it(cast, audit_calls):
    siti = cast.siti
    nik = make_nik(day=3, month=4, year=1990, female=True)

    result = citizen_identity_set(user=siti, nik=nik, actor=siti)

    assert result.warnings == []
    siti.refresh_from_db()
    assert siti.nik == nik
    assert siti.nik_hash == blind_index(nik, purpose="nik")
    assert siti.birth_date == date(1990, 4, 3)
    assert siti.sex == "P"
    assert siti.kk == ""
    assert siti.kk_hash == ""


def test_it_records_the_change_in_the_audit_log_without_the_nik(cast, audit_calls):
    nik = make_nik(female=True)
    citizen_identity_set(user=cast.siti, nik=nik, kk=make_kk(), actor=cast.siti)

    [call] = audit_calls
    assert call["action"] == "identity.set"
    assert call["actor"] == cast.siti
    assert call["obj"] == cast.siti
    assert call["details"]["nik_changed"] is True
    assert call["details"]["kk_changed"] is True
    assert nik not in repr(call["details"])
    assert make_kk() not in repr(call["details"])
    assert nik[:12] not in repr(call["details"])


def test_it_stores_the_kk_sealed_with_its_own_hash_and_removes_it_on_request(cast, audit_calls):
    siti = cast.siti
    kk = make_kk()
    citizen_identity_set(user=siti, nik=make_nik(female=True), kk="1803 0212 0315 9001", actor=siti)
    siti.refresh_from_db()
    assert siti.kk == kk
    assert siti.kk_hash == blind_index(kk, purpose="kk")
    assert siti.kk_hash != blind_index(kk, purpose="nik")

    citizen_identity_set(user=siti, nik=make_nik(female=True), actor=siti)
    siti.refresh_from_db()
    assert siti.kk == kk  # kk=None leaves it alone

    citizen_identity_set(user=siti, nik=make_nik(female=True), kk="", actor=siti)
    siti.refresh_from_db()
    assert siti.kk == ""
    assert siti.kk_hash == ""


def test_a_declared_birth_date_and_sex_are_kept_and_the_mismatch_is_returned_as_warnings(cast, audit_calls):
    siti = cast.siti
    result = citizen_identity_set(
        user=siti,
        nik=make_nik(day=17, month=8, year=1985, female=True),
        birth_date=date(1985, 8, 19),
        sex="L",
        actor=cast.budi,
    )
    assert result.warning_codes == ["birth_date_mismatch", "sex_mismatch"]
    siti.refresh_from_db()
    assert siti.birth_date == date(1985, 8, 19)
    assert siti.sex == "L"
    assert audit_calls[0]["details"]["birth_date_from"] == "declared"


def test_warnings_of_the_nik_and_the_kk_are_returned_together(cast, audit_calls):
    result = citizen_identity_set(
        user=cast.siti,
        nik=make_nik(region="187101", female=True),
        kk=make_kk(registered="991399"),
        actor=cast.siti,
    )
    assert result.warning_codes == ["outside_regency", "kk.unusual_date"]
    assert len(result.warnings) == 2
    cast.siti.refresh_from_db()
    assert cast.siti.nik == make_nik(region="187101", female=True)


def test_a_kecamatan_missing_from_the_region_table_is_a_warning(cast, audit_calls):
    # The test world holds kecamatan 18.03.02 and 18.03.04 only.
    result = citizen_identity_set(user=cast.siti, nik=make_nik(region="180399", female=True), actor=cast.siti)
    assert result.warning_codes == ["unknown_district"]


def test_it_refuses_an_invalid_nik_and_stores_nothing(cast, audit_calls):
    with pytest.raises(ValidationError) as raised:
        citizen_identity_set(user=cast.siti, nik=make_nik(serial="0000"), actor=cast.siti)
    assert [error.code for error in raised.value.error_dict["nik"]] == ["zero_serial"]
    cast.siti.refresh_from_db()
    assert cast.siti.nik == ""
    assert audit_calls == []


def test_it_refuses_an_invalid_kk_and_stores_nothing(cast, audit_calls):
    with pytest.raises(ValidationError) as raised:
        citizen_identity_set(user=cast.siti, nik=make_nik(), kk="12345", actor=cast.siti)
    assert [error.code for error in raised.value.error_dict["kk"]] == ["wrong_length"]
    cast.siti.refresh_from_db()
    assert cast.siti.nik == ""
    assert audit_calls == []


def test_setting_the_same_nik_again_is_allowed(cast, audit_calls):
    nik = make_nik(female=True)
    citizen_identity_set(user=cast.siti, nik=nik, actor=cast.siti)
    citizen_identity_set(user=cast.siti, nik=nik, actor=cast.siti)
    assert audit_calls[1]["details"]["nik_changed"] is False


def test_a_counter_officer_may_set_a_citizens_nik(cast, audit_calls):
    citizen_identity_set(user=cast.siti, nik=make_nik(female=True), actor=cast.budi)
    cast.siti.refresh_from_db()
    assert cast.siti.nik == make_nik(female=True)
    assert audit_calls[0]["actor"] == cast.budi


@pytest.mark.parametrize("persona", ["bupati", "auditor", "sekar"])
def test_staff_who_do_not_serve_at_a_counter_may_not_set_a_citizens_nik(cast, audit_calls, persona):
    with pytest.raises(PermissionDenied):
        citizen_identity_set(user=cast.siti, nik=make_nik(female=True), actor=getattr(cast, persona))
    cast.siti.refresh_from_db()
    assert cast.siti.nik == ""
    assert audit_calls == []


def test_a_citizen_may_not_set_another_citizens_nik(cast, audit_calls):
    other = User.objects.create_user("081299999999", "x" * 12, full_name="Warga Lain")
    with pytest.raises(PermissionDenied):
        citizen_identity_set(user=other, nik=make_nik(), actor=cast.siti)
    with pytest.raises(PermissionDenied):
        citizen_identity_set(user=other, nik=make_nik(), actor=AnonymousUser())
    other.refresh_from_db()
    assert other.nik == ""


def test_it_refuses_a_sex_other_than_l_or_p(cast, audit_calls):
    with pytest.raises(ValidationError) as raised:
        citizen_identity_set(user=cast.siti, nik=make_nik(), sex="X", actor=cast.siti)
    assert "sex" in raised.value.error_dict
