"""Assisted service, step by step: find or register the citizen, record consent, start the application.

Each service checks ``assisted.serve`` (layanan/accounts/permissions.py), writes its change and
its audit row in one transaction, and marks the row as done on behalf of the citizen
(``details["on_behalf_of"]``: the citizen's user id, never the NIK). The application itself is
started and submitted by the applications app's own services, with the citizen as applicant and
the operator as the acting user (``submitted_by``).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts import otp
from layanan.accounts.models import Role, User
from layanan.accounts.permissions import require
from layanan.accounts.services import RELEASED_PHONE_PREFIX
from layanan.applications.models import Application
from layanan.applications.services import application_start
from layanan.assisted.models import Visit
from layanan.audit.services import audit_record
from layanan.catalogue.models import Service
from layanan.core.crypto import blind_index
from layanan.core.uploads import UploadRefused, clean_upload
from layanan.identity.models import NikClaim
from layanan.identity.nik import normalize_number
from layanan.identity.selectors import user_find_by_nik
from layanan.identity.services import citizen_identity_set
from layanan.regions.models import Region


class AssistedError(Exception):
    """The step cannot be taken as asked; the message is for the operator, in plain Indonesian."""


_REGISTER_LOCK = 0x4C41_5754  # "LAWT": the advisory lock class of a walk-in's registration
PHONE_TAKEN = gettext_lazy(
    "Nomor HP ini sudah dipakai akun lain. Cari warga dengan NIK-nya, atau daftarkan tanpa nomor HP."
)


def has_reachable_phone(user: User) -> bool:
    """The citizen has a real phone number (not the placeholder of a citizen without one)."""
    return bool(user.phone) and not user.phone.startswith(RELEASED_PHONE_PREFIX)


def _on_behalf(visit: Visit, **details: Any) -> dict[str, Any]:
    return {
        "on_behalf_of": visit.citizen_id,
        "visit": str(visit.public_id),
        "office": visit.office.code,
        **details,
    }


def _operator_of(visit: Visit, actor: User) -> None:
    """Only the operator who opened the visit takes its steps (another operator opens their own)."""
    require(actor, "assisted.serve", visit)
    if visit.operator_id != actor.pk:
        raise PermissionDenied("assisted.visit")


# --- finding and registering -------------------------------------------------------------------------


def citizen_find(*, actor: User, nik: str) -> User | None:
    """The citizen holding ``nik`` (by its keyed hash), or None. Never decrypts, never logs the NIK."""
    require(actor, "assisted.serve")
    return user_find_by_nik(actor=actor, nik=nik)


def citizen_register(
    *,
    actor: User,
    full_name: str,
    phone: str,
    nik: str,
    home_region: Region,
    request: HttpRequest | None = None,
) -> tuple[User, bool]:
    """Register a walk-in citizen; returns (citizen, created).

    The same NIK registered again (the form sent twice) returns the first account: one citizen.
    ``phone`` is ``+62…`` or empty for a citizen without one (a placeholder that reaches nobody
    is stored). The NIK goes through identity's service: sealed, hashed, claimed, audited.
    Raises :class:`AssistedError` when the desa is out of reach, the NIK is claimed by an
    account that is not a citizen of reach, or the phone belongs to another account.
    """
    require(actor, "assisted.serve")
    require(actor, "citizen.identity.write", User(role=Role.CITIZEN, home_region=home_region))
    value = normalize_number(nik)
    nik_hash = blind_index(value, purpose="nik")
    with transaction.atomic():
        _take_turns(nik_hash)
        existing = _registered(actor, value)
        if existing is not None:
            return existing, False
        if NikClaim.objects.filter(nik_hash=nik_hash, status__in=NikClaim.OPEN).exists():
            raise AssistedError(
                _(
                    "NIK ini sudah diklaim akun lain dan menunggu pemeriksaan. "
                    "Selesaikan dulu di Verifikasi NIK."
                )
            )
        if phone and User.objects.filter(phone=phone).exists():
            raise AssistedError(PHONE_TAKEN)
        try:
            with transaction.atomic():
                citizen = _register(actor, full_name, phone, value, home_region, request)
        except IntegrityError:
            # Registered a moment ago: the same form sent again, or the same person at another counter.
            existing = _registered(actor, value)
            if existing is None:
                raise AssistedError(PHONE_TAKEN) from None
            return existing, False
    return citizen, True


def _take_turns(nik_hash: str) -> None:
    """Registrations of one NIK wait for each other until the transaction ends, so the second finds
    the first's citizen. Otherwise it would pass the lookup, then find the NIK held and file a
    disputed claim for a second account. SQLite's write transactions already take turns."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_REGISTER_LOCK, int(nik_hash[:7], 16)])


def _registered(actor: User, nik: str) -> User | None:
    existing = citizen_find(actor=actor, nik=nik)
    if existing is not None and existing.role != Role.CITIZEN:
        raise AssistedError(_("NIK ini milik akun petugas. Periksa lagi KTP-el warga."))
    return existing


def _register(
    actor: User, full_name: str, phone: str, nik: str, home_region: Region, request: HttpRequest | None
) -> User:
    citizen = User(
        phone=phone or RELEASED_PHONE_PREFIX + secrets.token_hex(7),
        full_name=full_name,
        role=Role.CITIZEN,
        home_region=home_region,
    )
    citizen.set_unusable_password()
    citizen.save()
    citizen_identity_set(user=citizen, nik=nik, actor=actor, request=request)
    audit_record(
        actor=actor,
        action="assisted.citizen_register",
        obj=citizen,
        request=request,
        details={
            "on_behalf_of": citizen.pk,
            "office": actor.office.code if actor.office is not None else "",
            "phone_given": bool(phone),
        },
    )
    return citizen


# --- the visit ---------------------------------------------------------------------------------------


def visit_open(
    *, actor: User, citizen: User, registered_here: bool = False, request: HttpRequest | None = None
) -> Visit:
    """Begin serving ``citizen``; an open visit of the same operator and citizen today is reused."""
    require(actor, "assisted.serve", citizen)
    if actor.office is None:
        raise AssistedError(_("Hanya operator kantor desa atau kecamatan yang dapat melayani warga di sini."))
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update()
            .filter(operator=actor, citizen=citizen, application__isnull=True, created_at__gte=today)
            .first()
        )
        if visit is not None:
            return visit
        visit = Visit.objects.create(
            operator=actor, office=actor.office, citizen=citizen, registered_here=registered_here
        )
        audit_record(
            actor=actor, action="assisted.visit_open", obj=citizen, request=request, details=_on_behalf(visit)
        )
    return visit


def consent_code_send(*, visit: Visit, actor: User, request: HttpRequest | None = None) -> otp.Issued:
    """Send the consent code to the citizen's phone. Raises :class:`otp.CodeRefused` over the limits.

    The per-address limit is not applied: an office sends codes for many citizens from one address.
    """
    _operator_of(visit, actor)
    if visit.has_consent:
        raise AssistedError(_("Persetujuan warga sudah dicatat."))
    if not has_reachable_phone(visit.citizen):
        raise AssistedError(_("Warga ini tidak punya nomor HP. Pakai formulir persetujuan kertas."))
    issued = otp.code_issue(
        purpose=otp.Purpose.ASSISTED_CONSENT,
        destination=visit.citizen.phone,
        channel="sms",
        user=visit.citizen,
        request=None,
        pending={"visit": str(visit.public_id)},
        consent_office=visit.office.name,
    )
    with transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(code_token=issued.token)
        visit.code_token = issued.token
        audit_record(
            actor=actor,
            action="assisted.consent_code_sent",
            obj=visit.citizen,
            request=request,
            details=_on_behalf(visit),
        )
    return issued


_CODE_REFUSALS = {
    "expired": gettext_lazy("Kode sudah kedaluwarsa. Kirim kode baru."),
    "exhausted": gettext_lazy("Terlalu banyak percobaan. Kirim kode baru."),
    "used": gettext_lazy("Kode ini sudah dipakai. Kirim kode baru."),
    "unknown": gettext_lazy("Kirim kode ke HP warga dulu."),
}


def consent_code_confirm(
    *, visit: Visit, actor: User, code: str, request: HttpRequest | None = None
) -> Visit:
    """The code the citizen read out matches: consent is recorded (and their phone is proven)."""
    _operator_of(visit, actor)
    if visit.has_consent:
        return visit
    if not visit.code_token:
        raise AssistedError(_("Kirim kode ke HP warga dulu."))
    checked = otp.code_check(token=visit.code_token, code=code, purposes=(otp.Purpose.ASSISTED_CONSENT,))
    if (
        not checked.ok
        or checked.code is None
        or otp.pending_of(checked.code).get("visit") != str(visit.public_id)
    ):
        refusal = _CODE_REFUSALS.get(checked.reason)
        raise AssistedError(
            str(refusal) if refusal else _("Kode tidak cocok. Periksa lagi angka dari warga.")
        )
    now = timezone.now()
    with transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(  # nosec B106  # a spent code's token, cleared
            consent=Visit.Consent.CODE, consent_at=now, code_token=""
        )
        visit.consent, visit.consent_at, visit.code_token = Visit.Consent.CODE, now, ""
        proven = False
        if visit.citizen.phone_verified_at is None:
            User.objects.filter(pk=visit.citizen_id).update(phone_verified_at=now)
            visit.citizen.phone_verified_at = now
            proven = True
        audit_record(
            actor=actor,
            action="assisted.consent_given",
            obj=visit.citizen,
            request=request,
            details=_on_behalf(visit, method=Visit.Consent.CODE.value, phone_proven=proven),
        )
    return visit


def consent_paper_record(
    *, visit: Visit, actor: User, upload: UploadedFile, request: HttpRequest | None = None
) -> Visit:
    """The signed paper consent form, scanned: checked, re-encoded and stored encrypted like uploads."""
    _operator_of(visit, actor)
    if visit.has_consent:
        return visit
    try:
        clean = clean_upload(upload)
    except UploadRefused as refused:
        raise AssistedError(str(refused)) from refused
    with transaction.atomic():
        fresh = Visit.objects.select_for_update().get(pk=visit.pk)
        if fresh.has_consent:
            return fresh
        fresh.consent_scan.save(f"persetujuan.{clean.extension}", ContentFile(clean.content), save=False)
        fresh.consent_scan_type = clean.content_type
        fresh.consent_scan_sha256 = clean.sha256 or hashlib.sha256(clean.content).hexdigest()
        fresh.consent = Visit.Consent.PAPER
        fresh.consent_at = timezone.now()
        fresh.code_token = ""  # nosec B105  # a spent code's token, cleared
        fresh.save()
        audit_record(
            actor=actor,
            action="assisted.consent_given",
            obj=visit.citizen,
            request=request,
            details=_on_behalf(fresh, method=Visit.Consent.PAPER.value, size=len(clean.content)),
        )
    return fresh


def visit_application_start(
    *, visit: Visit, actor: User, service: Service, request: HttpRequest | None = None
) -> Application:
    """Start the citizen's application with the operator acting; refused until consent is recorded.

    One application per visit: asking again (the form sent twice) returns the first one.
    """
    _operator_of(visit, actor)
    with transaction.atomic():
        fresh = Visit.objects.select_for_update().select_related("citizen", "office").get(pk=visit.pk)
        if fresh.application_id is not None:
            application = Application.objects.get(pk=fresh.application_id)
            return application
        if not fresh.has_consent:
            raise AssistedError(
                _("Catat dulu persetujuan warga (kode ke HP-nya atau formulir kertas) sebelum mengajukan.")
            )
        application = application_start(service=service, applicant=fresh.citizen, actor=actor, visit=fresh)
        fresh.application = application
        fresh.save(update_fields=["application"])
        audit_record(
            actor=actor,
            action="assisted.application_start",
            obj=fresh.citizen,
            request=request,
            details=_on_behalf(fresh, service=service.slug, consent=fresh.consent),
        )
    visit.application = application
    return application
