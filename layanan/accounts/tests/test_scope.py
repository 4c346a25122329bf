"""scope() narrows querysets to what each persona may see, through offices, regions or ownership."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import scope
from layanan.accounts.tests.builders import citizen, staff, village, village_office
from layanan.agencies.models import Office
from layanan.regions.models import Region


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def _phones(queryset) -> set[str]:
    return set(queryset.values_list("phone", flat=True))


def test_budi_sees_the_rows_of_disdukcapil_and_not_those_of_pupr(cast):
    assert _codes(scope(cast.budi, Office.objects.all(), via="")) == {"disdukcapil"}
    staff_rows = scope(cast.budi, User.objects.all(), via="office")
    assert _phones(staff_rows) == {cast.budi.phone, cast.sekar.phone}
    assert cast.andi.phone not in _phones(staff_rows)


def test_andi_sees_pupr_only(cast):
    assert _codes(scope(cast.andi, Office.objects.all(), via="")) == {"dinas-pupr"}


def test_rini_sees_her_desa_only(cast):
    neighbour = village_office(village("18.03.04.2002", "Suka Sari", cast.world.tanjung_raja))
    assert _codes(scope(cast.rini, Office.objects.all(), via="")) == {"desa-18-03-04-2009"}
    assert neighbour.code not in _codes(scope(cast.rini, Office.objects.all(), via=""))
    assert _codes(scope(cast.rini, Region.objects.all(), via_region="")) == {"18.03.04.2009"}


def test_rini_sees_the_residents_of_her_desa_and_no_one_else(cast):
    resident = citizen("081299990020", home_region=cast.world.tanjung_raja_desa)
    residents = scope(cast.rini, User.objects.filter(role=Role.CITIZEN), via_region="home_region")
    assert _phones(residents) == {resident.phone}
    assert cast.siti.phone not in _phones(residents)


def test_a_kecamatan_operator_sees_the_kecamatan_and_every_desa_under_it(cast):
    operator = staff(phone="081299990021", role=Role.OPERATOR, office=cast.world.kec_tanjung_raja)
    neighbour = village_office(village("18.03.04.2002", "Suka Sari", cast.world.tanjung_raja))
    seen = _codes(scope(operator, Office.objects.all(), via=""))
    assert seen == {"kec-18-03-04", "desa-18-03-04-2009", neighbour.code}


def test_the_region_prefix_does_not_leak_into_a_kecamatan_with_a_longer_code(cast):
    # 18.03.1 must not match 18.03.10: reach is by whole dotted segments.
    kec_1 = Region.objects.create(code="18.03.01", name="Bukit Kemuning", level=Region.Level.DISTRICT)
    Region.objects.create(code="18.03.10", name="Kotabumi Selatan", level=Region.Level.DISTRICT)
    office = Office.objects.create(code="kec-18-03-01", name="Camat", kind=Office.Kind.DISTRICT, region=kec_1)
    operator = staff(phone="081299990022", role=Role.OPERATOR, office=office)
    assert _codes(scope(operator, Region.objects.all(), via_region="")) == {"18.03.01"}


def test_bupati_auditor_and_admin_see_the_whole_regency(cast):
    everything = _codes(Office.objects.all())
    for person in (cast.bupati, cast.auditor, cast.admin):
        assert _codes(scope(person, Office.objects.all(), via="")) == everything


def test_a_leader_with_an_office_is_scoped_to_it(cast):
    head = staff(phone="081299990023", role=Role.LEADER, office=cast.world.pupr)
    assert _codes(scope(head, Office.objects.all(), via="")) == {"dinas-pupr"}


def test_a_citizen_sees_nothing_through_offices_or_regions(cast):
    assert not scope(cast.siti, Office.objects.all(), via="").exists()
    assert not scope(cast.siti, Region.objects.all(), via_region="").exists()


def test_a_citizen_sees_her_own_rows_through_the_owner_path(cast):
    own = scope(cast.siti, User.objects.all(), via="office", owner="pk")
    assert _phones(own) == {cast.siti.phone}


def test_staff_see_owned_rows_and_office_rows_together(cast):
    rows = scope(cast.budi, User.objects.all(), via="office", owner="pk")
    assert _phones(rows) == {cast.budi.phone, cast.sekar.phone}


def test_anonymous_and_inactive_users_see_nothing(cast):
    assert not scope(AnonymousUser(), Office.objects.all(), via="").exists()
    cast.admin.is_active = False
    assert not scope(cast.admin, Office.objects.all(), via="").exists()


def test_scope_needs_exactly_one_path(cast):
    with pytest.raises(TypeError):
        scope(cast.budi, Office.objects.all())
    with pytest.raises(TypeError):
        scope(cast.budi, Office.objects.all(), via="", via_region="region")


def test_scope_adds_no_query_per_row(cast, django_assert_num_queries):
    budi = User.objects.select_related("office").get(pk=cast.budi.pk)
    with django_assert_num_queries(1):
        list(scope(budi, User.objects.all(), via="office"))
