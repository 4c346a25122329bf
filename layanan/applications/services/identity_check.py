"""Does the NIK typed as the applicant's own belong to the account (or its KK)? Tell the officer if not.

Run inside the submission's transaction: the flags of the application are
replaced by what the answers say now. Only fields that stand for the
applicant's own NIK (kind NIK, ``prefill="nik"``) are compared; a NIK of
someone else the form asks about (a parent, a deceased person) is not.
"""

from __future__ import annotations

from datetime import datetime

from layanan.applications.models import Application, IdentityFlag
from layanan.catalogue.models import FormField
from layanan.identity.selectors import NikMatch, nik_match


def identity_flags_raise(application: Application, now: datetime) -> list[IdentityFlag]:
    """Replace ``application``'s identity flags with those its answers call for now."""
    IdentityFlag.objects.filter(application=application).delete()
    answers = application.answers
    own_nik_fields = application.service.fields.filter(kind=FormField.Kind.NIK, prefill=FormField.Prefill.NIK)
    flags = []
    for field in own_nik_fields:
        typed = answers.get(field.name)
        if not typed:
            continue
        match = nik_match(applicant=application.applicant, nik=str(typed))
        if match.ok:
            continue
        code = (
            IdentityFlag.Code.NIK_DISPUTED if match is NikMatch.DISPUTED else IdentityFlag.Code.NIK_MISMATCH
        )
        flags.append(IdentityFlag(application=application, field_name=field.name, code=code, raised_at=now))
    return IdentityFlag.objects.bulk_create(flags)


def identity_flags_of(application: Application) -> dict[str, IdentityFlag]:
    """The application's identity flags by field name, for the officer's page."""
    return {flag.field_name: flag for flag in application.identity_flags.all()}
