"""Builders for the rendering, numbering, issuing and delivery tests (documents only: no application)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from layanan.accounts.models import SecondFactor, User
from layanan.accounts.tests.builders import code_now, enrol
from layanan.agencies.models import Office
from layanan.catalogue.models import Service
from layanan.documents.models import Document, LetterTemplate
from layanan.documents.services import document_issue
from layanan.documents.tests.verify_builders import letter_service

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


TEST_KIND = "test"  # the kind of the documents issued by these tests (see ``test_source``)
DATA = {"nama_anak": "Putri", "tanggal_lahir": "2026-01-05", "pemohon": "Putri Lestari"}


class RecordingSource:
    """A document source for the tests: re-issues with the same data, remembers what it heard."""

    def __init__(self) -> None:
        self.revoked_calls: list[tuple[Document, User, str]] = []
        self.reissue_reasons: list[str] = []

    def reissue(
        self, *, document: Document, signer: User, reason: str, passphrase: str | None = None
    ) -> Document:
        self.reissue_reasons.append(reason)
        return issued_by(
            signer,
            office=document.office,
            template=LetterTemplate.objects.get(service=document.service),
            owner=document.owner,
            replaces=document,
            passphrase=passphrase,
        )

    def revoked(self, *, document: Document, actor: User, reason: str) -> None:
        self.revoked_calls.append((document, actor, reason))


def letter_of(cast: Any) -> LetterTemplate:
    """The letter template of Disdukcapil's test letter service (made on first use)."""
    service = letter_service(cast)
    template = LetterTemplate.objects.filter(service=service).first()
    return template or letter_template(service)


def issued_by(
    signer: User,
    *,
    office: Office,
    template: LetterTemplate,
    owner: User | None,
    owner_agent: User | None = None,
    holder_name: str = "Putri Lestari",
    replaces: Document | None = None,
    passphrase: str | None = None,
) -> Document:
    return document_issue(
        data=DATA,
        office=office,
        signer=signer,
        template=template,
        kind=TEST_KIND,
        holder_name=holder_name,
        owner=owner,
        owner_agent=owner_agent,
        reference="P-UJI-00001",
        replaces=replaces,
        passphrase=passphrase,
    )


def issued(cast: Any, *, owner_agent: User | None = None, passphrase: str | None = None) -> Document:
    """A letter for Siti issued through the real pipeline, signed by Sekar at Disdukcapil."""
    return issued_by(
        cast.sekar,
        office=cast.world.disdukcapil,
        template=letter_of(cast),
        owner=cast.siti,
        owner_agent=owner_agent,
        passphrase=passphrase,
    )
