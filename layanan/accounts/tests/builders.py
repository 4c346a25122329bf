"""Small builders for the accounts tests."""

from __future__ import annotations

from typing import Any

from layanan.accounts import services, totp
from layanan.accounts.models import Role, User
from layanan.agencies.models import Office
from layanan.regions.models import Region
from layanan.testing import make_user

FIXED_NOW = 1_800_000_015.0  # a fixed instant, 15 s into its 30 s step


def enrol(user: User) -> tuple[str, list[str]]:
    """Give ``user`` a confirmed authenticator; returns (secret, recovery codes)."""
    secret = totp.new_secret()
    codes = services.second_factor_enrol(user=user, actor=None, secret=secret)
    return secret, codes


def code_now(secret: str, *, offset: int = 0) -> str:
    return totp.code_at(secret, totp.current_step() + offset)


def citizen(phone: str = "081299990001", **extra: Any) -> User:
    return make_user(phone=phone, full_name="Warga Lain", **extra)


def staff(*, phone: str, role: str, office: Office | None, **extra: Any) -> User:
    return make_user(phone=phone, full_name=f"Staf {phone[-4:]}", role=role, office=office, **extra)


def village(code: str, name: str, district: Region) -> Region:
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": Region.Level.VILLAGE, "parent": district}
    )
    return region


def village_office(region: Region) -> Office:
    office, _ = Office.objects.get_or_create(
        code="desa-" + region.code.replace(".", "-"),
        defaults={"name": f"Kantor Desa {region.name}", "kind": Office.Kind.VILLAGE, "region": region},
    )
    return office


__all__ = [
    "FIXED_NOW",
    "Role",
    "audit_events",
    "citizen",
    "code_now",
    "enrol",
    "staff",
    "village",
    "village_office",
]


def audit_events(action: str, **filters: Any) -> list[Any]:
    """The audit events recorded for ``action``, oldest first."""
    from layanan.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))
