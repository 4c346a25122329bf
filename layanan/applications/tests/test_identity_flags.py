"""The NIK typed as the applicant's own must be the account's or a family member's, or the officer is told."""

from __future__ import annotations

import uuid

import pytest

from layanan.accounts.testing import sign_in
from layanan.applications import services
from layanan.applications.models import IdentityFlag
from layanan.applications.tests.builders import ANSWERS, draft, dukcapil_service, reloaded
from layanan.catalogue.models import FormField
from layanan.identity.services import citizen_identity_set
from layanan.identity.testing import make_kk, make_nik
from layanan.testing import make_user

OWN_NIK = make_nik(female=True)
MISMATCH = "NIK tidak cocok dengan akun pemohon"


@pytest.fixture
def with_nik_field(world):
    built = dukcapil_service(world)
    FormField.objects.create(
        service=built,
        step=1,
        order=3,
        name="nik_pemohon",
        label="NIK pemohon",
        kind=FormField.Kind.NIK,
        prefill=FormField.Prefill.NIK,
    )
    return built


def _submit(built, applicant, nik: str):
    application = draft(built, applicant)
    services.application_save_step(
        application=application, actor=applicant, step=1, answers={**ANSWERS[1], "nik_pemohon": nik}
    )
    services.application_save_step(application=application, actor=applicant, step=2, answers=ANSWERS[2])
    for requirement in built.requirements.all():
        services.requirement_provide(
            application=application, actor=applicant, requirement=requirement, provision="paper"
        )
    return services.application_submit(application=application, actor=applicant, submit_key=uuid.uuid4())


def _codes(application) -> list[tuple[str, str]]:
    return list(IdentityFlag.objects.filter(application=application).values_list("field_name", "code"))


def test_the_applicants_own_nik_raises_no_flag(cast, with_nik_field):
    citizen_identity_set(user=cast.siti, nik=OWN_NIK, actor=cast.siti)
    assert _codes(_submit(with_nik_field, cast.siti, OWN_NIK)) == []


def test_a_family_members_nik_on_the_same_kk_raises_no_flag(cast, with_nik_field):
    citizen_identity_set(user=cast.siti, nik=OWN_NIK, kk=make_kk(), actor=cast.siti)
    husband = make_user(phone="081299990011", full_name="Suami Siti")
    husband_nik = make_nik(serial="9011")
    citizen_identity_set(user=husband, nik=husband_nik, kk=make_kk(), actor=husband)
    assert _codes(_submit(with_nik_field, reloaded_user(cast.siti), husband_nik)) == []


def reloaded_user(user):
    return type(user).objects.get(pk=user.pk)


def test_a_strangers_nik_is_flagged_for_the_officer(cast, with_nik_field):
    citizen_identity_set(user=cast.siti, nik=OWN_NIK, actor=cast.siti)
    application = _submit(with_nik_field, cast.siti, make_nik(serial="9012"))
    assert _codes(application) == [("nik_pemohon", "nik_mismatch")]


def test_a_nik_typed_by_an_account_without_one_is_flagged(cast, with_nik_field):
    application = _submit(with_nik_field, cast.siti, OWN_NIK)
    assert _codes(application) == [("nik_pemohon", "nik_mismatch")]


def test_a_disputed_nik_is_flagged_as_such(cast, with_nik_field):
    citizen_identity_set(user=cast.siti, nik=OWN_NIK, actor=cast.siti)
    other = make_user(phone="081299990012", full_name="Pengaku Lain")
    citizen_identity_set(user=other, nik=OWN_NIK, actor=other)
    application = _submit(with_nik_field, cast.siti, OWN_NIK)
    assert _codes(application) == [("nik_pemohon", "nik_disputed")]


def test_the_officer_sees_the_flag_on_the_work_page_and_the_applicant_does_not(client, cast, with_nik_field):
    citizen_identity_set(user=cast.siti, nik=OWN_NIK, actor=cast.siti)
    application = _submit(with_nik_field, cast.siti, make_nik(serial="9012"))

    sign_in(client, cast.budi)
    response = client.get(f"/petugas/permohonan/{application.public_id}/")
    assert response.status_code == 200
    assert MISMATCH in response.content.decode()

    sign_in(client, cast.siti)
    mine = client.get(f"/permohonan/{application.public_id}/")
    assert mine.status_code == 200
    assert MISMATCH not in mine.content.decode()

    sign_in(client, cast.andi)  # an officer of another office sees nothing of it
    assert client.get(f"/petugas/permohonan/{application.public_id}/").status_code == 403
    assert reloaded(application).identity_flags.count() == 1
