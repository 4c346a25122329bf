"""Signing with an authenticator code is limited like the sign-in second factor (issue 13)."""

from __future__ import annotations

import pytest

from layanan.accounts import ratelimit
from layanan.accounts.models import User
from layanan.applications import services
from layanan.applications.models import Application, IssuedLetter, Status
from layanan.applications.services import ApplicationError
from layanan.applications.tests.test_letters import awaiting_signature, kepala_desa
from layanan.documents.models import Document
from layanan.documents.tests.render_builders import (  # noqa: F401  # signing_ca is a fixture
    signing_ca,
    signing_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]

WAIT = "Terlalu banyak percobaan yang salah"


def wrong_code_for(official: User) -> str:
    return "000000" if signing_code(official) != "000000" else "111111"


def sign(application: Application, official: User, code: str) -> Application:
    return services.application_sign(
        application=application,
        actor=official,
        expected_version=Application.objects.get(pk=application.pk).version,
        second_factor_code=code,
    )


def test_five_wrong_codes_then_the_right_one_is_refused_and_nothing_is_signed(cast) -> None:
    application = awaiting_signature(cast)
    official = kepala_desa(cast)
    wrong = wrong_code_for(official)
    for _attempt in range(5):
        with pytest.raises(ApplicationError, match="Kode autentikator salah"):
            sign(application, official, wrong)

    with pytest.raises(ApplicationError, match=WAIT) as refused:
        sign(application, official, signing_code(official))

    assert "menit" in str(refused.value)
    assert Application.objects.get(pk=application.pk).status == Status.SIGNING
    assert not Document.objects.exists()
    assert not IssuedLetter.objects.exists()


def test_the_count_is_shared_with_the_sign_in_second_factor(cast) -> None:
    application = awaiting_signature(cast)
    official = kepala_desa(cast)
    for _attempt in range(5):  # five wrong codes at the sign-in step
        ratelimit.SECOND_FACTOR_PER_USER.fail(str(official.pk))

    with pytest.raises(ApplicationError, match=WAIT):
        sign(application, official, signing_code(official))

    assert Application.objects.get(pk=application.pk).status == Status.SIGNING


def test_another_official_is_not_held_back_by_the_first_ones_mistakes(cast) -> None:
    application = awaiting_signature(cast)
    official, other = kepala_desa(cast), kepala_desa(cast)
    for _attempt in range(5):
        ratelimit.SECOND_FACTOR_PER_USER.fail(str(other.pk))

    signed = sign(application, official, signing_code(official))

    assert signed.status == Status.COMPLETED


def test_a_right_code_resets_the_count(cast) -> None:
    first, second = awaiting_signature(cast), awaiting_signature(cast)
    official = kepala_desa(cast)
    wrong = wrong_code_for(official)
    for _attempt in range(4):
        with pytest.raises(ApplicationError, match="Kode autentikator salah"):
            sign(first, official, wrong)
    assert sign(first, official, signing_code(official)).status == Status.COMPLETED

    for _attempt in range(4):  # four more wrong codes: still under the limit after the reset
        with pytest.raises(ApplicationError, match="Kode autentikator salah"):
            sign(second, official, wrong)
    done = sign(second, official, signing_code(official))

    assert done.status == Status.COMPLETED
    assert ratelimit.SECOND_FACTOR_PER_USER.wait_seconds(str(official.pk)) == 0
    assert Document.objects.count() == 2


def test_through_the_page_the_sixth_try_gets_the_wait_message_and_budi_is_still_refused(cast) -> None:
    from layanan.applications.tests.test_views_staff import (
        accept_all,
        build_service,
        build_submitted,
        claimed,
        fresh,
        letter_template,
        post_act,
    )
    from layanan.catalogue.models import Service

    service = build_service(cast, output=Service.Output.LETTER)
    letter_template(service)
    application = claimed(cast, build_submitted(cast, service))
    accept_all(cast, application)
    post_act(cast.budi, application, "approve")
    wrong = wrong_code_for(cast.sekar)

    tries = [post_act(cast.sekar, application, "sign", code=wrong) for _attempt in range(5)]
    sixth = post_act(cast.sekar, application, "sign", code=signing_code(cast.sekar))
    by_budi = post_act(cast.budi, application, "sign", code=signing_code(cast.budi))

    assert [response.status_code for response in tries] == [400] * 5
    assert sixth.status_code == 400
    assert WAIT in sixth.content.decode()
    assert by_budi.status_code == 400
    assert fresh(application).status == Status.SIGNING
    assert not fresh(application).documents.exists()
