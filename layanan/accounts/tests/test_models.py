"""Model rules: officers, operators and signers belong to an office; citizens to none."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from layanan.accounts.models import Role, User
from layanan.testing import make_user


@pytest.mark.parametrize("role", [Role.OFFICER, Role.OPERATOR, Role.SIGNER])
def test_it_refuses_office_bound_staff_without_an_office(world, role):
    with pytest.raises(ValidationError) as error:
        User(phone="+6281399990001", full_name="Tanpa Kantor", role=role).full_clean(exclude=["password"])
    assert "office" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(phone="081399990001", full_name="Tanpa Kantor", role=role)


def test_it_refuses_a_citizen_with_an_office(world):
    with pytest.raises(ValidationError):
        User(
            phone="+6281399990002", full_name="Warga", role=Role.CITIZEN, office=world.disdukcapil
        ).full_clean(exclude=["password"])
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(phone="081399990002", full_name="Warga", office=world.disdukcapil)


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMIN, Role.AUDITOR])
def test_leaders_administrators_and_auditors_may_have_no_office(world, role):
    user = make_user(phone="081399990003", full_name="Tanpa Kantor", role=role)
    user.full_clean(exclude=["password"])
    assert user.office is None


def test_staff_and_admin_site_users_need_a_second_factor_and_citizens_do_not(cast):
    assert not cast.siti.needs_second_factor
    assert all(user.needs_second_factor for name, user in cast.all().items() if name != "siti")
