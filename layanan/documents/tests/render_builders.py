"""Builders for the rendering, numbering, issuing and delivery tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from layanan.accounts.models import Role, SecondFactor, User
from layanan.accounts.tests.builders import code_now, enrol
from layanan.applications import services
from layanan.applications.models import Application, Status
from layanan.applications.tests import builders
from layanan.catalogue.models import Service
from layanan.documents.models import LetterTemplate

BODY = 'Nama: #field("nama_anak"). Lahir: #field("tanggal_lahir").'


_var_dirs: list[Path] = []


@pytest.fixture
def signing_ca(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The local signer backend with a development CA made once per test session (and worker).

    Use it as ``@pytest.mark.usefixtures("signing_ca")`` after importing it.
    """
    if not _var_dirs:
        _var_dirs.append(tmp_path_factory.mktemp("var"))
    settings.VAR_DIR = _var_dirs[0]
    settings.DOCUMENT_SIGNER_BACKEND = "local"
    settings.DOCUMENT_CA_CERT_FILE = settings.DOCUMENT_CA_KEY_FILE = ""
    settings.DOCUMENT_TRUST_ROOTS_FILE = ""
    return _var_dirs[0]


def letter_template(
    service: Service, *, body: str = BODY, classification: str = "470", title: str = "Surat Keterangan Uji"
) -> LetterTemplate:
    return LetterTemplate.objects.create(
        service=service, classification_code=classification, title=title, body=body
    )


_secrets: dict[int, str] = {}


def signing_code(user: User) -> str:
    """A fresh, unused authenticator code for ``user`` (enrolled on first use)."""
    if user.pk not in _secrets or not SecondFactor.objects.filter(user=user).exists():
        _secrets[user.pk], _codes = enrol(user)
    SecondFactor.objects.filter(user=user).update(last_used_step=0)  # each call may reuse "now"
    return code_now(_secrets[user.pk])


def kepala_desa(cast: Any) -> User:
    return builders.staff(role=Role.SIGNER, office=cast.world.desa_tanjung_raja, name="Hendra Saputra")


def awaiting_signature(cast: Any, *, service: Service | None = None, name: str = "Warga Uji") -> Application:
    """A village letter of a Tanjung Raja villager, approved by Rini, waiting in SIGNING."""
    if service is None:
        service = builders.village_letter()
        letter_template(service)
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa, name=name)
    application = builders.claimed(builders.submitted(service, villager), cast.rini)
    builders.accept_all(application, cast.rini)
    application = services.application_approve(
        application=application, actor=cast.rini, expected_version=application.version
    )
    assert application.status == Status.SIGNING
    return application


def signed(application: Application, signer: User) -> Application:
    return services.application_sign(
        application=application,
        actor=signer,
        expected_version=application.version,
        second_factor_code=signing_code(signer),
    )
