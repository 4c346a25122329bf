"""The demo personas of the house style, created on a development checkout by ``manage.py seed_demo``.

Idempotent: existing users are kept. What the credentials file prints must
stay true, so the plain recovery codes made at creation are kept in a state
file beside it (``var/demo-credentials.json``, mode 0600) and the file is
rewritten from that state and the database on every run; codes already used,
a changed password or a reset second factor are said as such.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from layanan.accounts import services, totp
from layanan.accounts.models import RecoveryCode, Role, SecondFactor, User
from layanan.accounts.phone import normalize_phone
from layanan.agencies.models import Office
from layanan.identity.services import citizen_identity_set
from layanan.regions.models import Region

CREDENTIALS_FILE = "demo-credentials.txt"
STATE_FILE = "demo-credentials.json"


class DemoDataMissingError(Exception):
    """The regions or offices the personas belong to are not loaded yet."""


@dataclass(frozen=True)
class Persona:
    key: str
    full_name: str
    phone: str
    role: Role
    office_code: str | None = None
    email: str | None = None
    position: str = ""
    home_region_code: str | None = None
    nik: str | None = None
    admin_site: bool = False
    optional_office: bool = False  # use the office when it exists, else none
    duty: str = ""  # what this persona does in the demo, printed beside the sign-in
    extra: dict[str, Any] = field(default_factory=dict)


# Phone numbers in a block no real subscriber gets in a demo (0811-0000-000x).
# Tanjung Raja desa is 18.03.04.2009 in the Kemendagri list (2001 is Karang Waringin).
PERSONAS: tuple[Persona, ...] = (
    Persona(
        "siti",
        "Siti Aminah",
        "0811-0000-0001",
        Role.CITIZEN,
        email="siti@demo.example",
        home_region_code="18.03.02.1005",  # Kelurahan Kotabumi Pasar, Kecamatan Kotabumi
        nik="1803024507900003",  # woman born 5 July 1990, first registered in Kotabumi
    ),
    Persona(
        "budi", "Budi Santoso", "0811-0000-0002", Role.OFFICER, "disdukcapil", position="Petugas layanan"
    ),
    Persona("andi", "Andi Pratama", "0811-0000-0003", Role.OFFICER, "dinas-pupr", position="Petugas layanan"),
    Persona(
        "rini",
        "Rini Lestari",
        "0811-0000-0004",
        Role.OPERATOR,
        "desa-18-03-04-2009",
        position="Operator desa",
    ),
    Persona("bupati", "Bupati Lampung Utara", "0811-0000-0005", Role.LEADER, position="Bupati"),
    Persona(
        "auditor",
        "Audra Wibowo",
        "0811-0000-0006",
        Role.AUDITOR,
        "inspektorat",
        position="Auditor",
        optional_office=True,
    ),
    Persona(
        "admin",
        "Ayu Administrator",
        "0811-0000-0007",
        Role.ADMIN,
        admin_site=True,
        position="Administrator",
        duty="koordinator pengaduan: memverifikasi dan meneruskan laporan warga",
    ),
    Persona(
        "sekar", "Sekar Kusuma", "0811-0000-0008", Role.SIGNER, "disdukcapil", position="Kepala Disdukcapil"
    ),
    # The head of Tanjung Raja signs the village's letters (Rini checks and approves them).
    Persona(
        "kades",
        "Hartono Wijaya",
        "0811-0000-0010",
        Role.SIGNER,
        "desa-18-03-04-2009",
        position="Kepala Desa Tanjung Raja",
        duty="menandatangani surat Desa Tanjung Raja",
    ),
    # An agency head: reads the dashboards of Dinas PUPR only.
    Persona(
        "hendra", "Hendra Gunawan", "0811-0000-0009", Role.LEADER, "dinas-pupr", position="Kepala Dinas PUPR"
    ),
)


@dataclass
class PersonaReport:
    persona: Persona
    user: User
    created: bool
    password_ok: bool
    totp_secret: str = ""
    recovery_codes: list[tuple[str, bool]] = field(default_factory=list)  # (code, still valid)
    notes: list[str] = field(default_factory=list)


@dataclass
class DemoReport:
    password: str
    personas: list[PersonaReport]
    credentials_path: Path
    notes: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for p in self.personas if p.created)


def _new_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
    return "lampura-" + "-".join(groups)


def _load_state(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)


def _offices() -> dict[str, Office]:
    wanted = {p.office_code for p in PERSONAS if p.office_code}
    found = {office.code: office for office in Office.objects.filter(code__in=wanted)}
    required = {p.office_code for p in PERSONAS if p.office_code and not p.optional_office}
    missing = sorted(code for code in required if code not in found)
    regions = {p.home_region_code for p in PERSONAS if p.home_region_code}
    missing_regions = sorted(
        regions - set(Region.objects.filter(code__in=regions).values_list("code", flat=True))
    )
    if missing or missing_regions:
        raise DemoDataMissingError(
            "The demo personas need offices "
            + ", ".join(missing or ["(present)"])
            + " and regions "
            + ", ".join(missing_regions or ["(present)"])
            + ". Run `manage.py load_regions` and then `manage.py seed_offices` first."
        )
    return found


def _create(persona: Persona, password: str, offices: dict[str, Office]) -> tuple[User, list[str]]:
    office = offices.get(persona.office_code) if persona.office_code else None
    user = User.objects.create_user(
        persona.phone,
        password,
        full_name=persona.full_name,
        email=persona.email,
        role=persona.role,
        office=office,
        position=persona.position,
        home_region_id=persona.home_region_code,
        is_staff=persona.admin_site,
        is_superuser=persona.admin_site,
        phone_verified_at=timezone.now(),
    )
    notes: list[str] = []
    if persona.nik:
        try:
            citizen_identity_set(user=user, nik=persona.nik, actor=user)
        except ValidationError as error:
            notes.append("NIK tidak disimpan: " + "; ".join(error.messages))
    return user, notes


def _recovery_status(user: User, codes: list[str]) -> list[tuple[str, bool]]:
    unused = set(
        RecoveryCode.objects.filter(user=user, used_at__isnull=True).values_list("code_hash", flat=True)
    )
    return [(code, totp.recovery_code_hash(code, user_id=user.pk) in unused) for code in codes]


def demo_seed(*, var_dir: Path | None = None) -> DemoReport:
    """Create the personas that are missing and (re)write the credentials file. Safe to repeat."""
    directory = Path(var_dir or settings.VAR_DIR)
    state_path = directory / STATE_FILE
    state = _load_state(state_path)
    notes: list[str] = []
    password = state.get("password")
    reset_existing = not isinstance(password, str) or not password
    if reset_existing:
        password = _new_password()
    assert isinstance(password, str)
    stored_codes: dict[str, list[str]] = {
        key: list(value)
        for key, value in (state.get("recovery_codes") or {}).items()
        if isinstance(value, list)
    }

    reports: list[PersonaReport] = []
    with transaction.atomic():
        offices = _offices()
        for persona in PERSONAS:
            user = User.objects.filter(phone=normalize_phone(persona.phone)).first()
            created = user is None
            persona_notes: list[str] = []
            if user is None:
                user, persona_notes = _create(persona, password, offices)
            elif reset_existing:
                # The state file was lost: the printed password must work again.
                user.set_password(password)
                user.save(update_fields=["password"])
                persona_notes.append("kata sandi diatur ulang (berkas keadaan demo tidak ada)")
            if user.needs_second_factor and (created or persona.key not in stored_codes):
                factor = SecondFactor.objects.filter(user=user).first()
                keep_secret = factor.secret if factor is not None and factor.is_confirmed else None
                stored_codes[persona.key] = services.second_factor_enrol(
                    user=user, actor=None, secret=keep_secret
                )
                if not created:
                    persona_notes.append("kode pemulihan baru dibuat (yang lama tidak tercatat)")
            reports.append(
                PersonaReport(
                    persona=persona,
                    user=user,
                    created=created,
                    password_ok=user.check_password(password),
                    notes=persona_notes,
                )
            )

    for report in reports:
        if not report.user.needs_second_factor:
            continue
        factor = SecondFactor.objects.filter(user=report.user).first()
        if factor is None or not factor.is_confirmed:
            report.notes.append("langkah kedua sudah diatur ulang: atur lagi saat masuk")
            continue
        report.totp_secret = factor.secret
        statuses = _recovery_status(report.user, stored_codes.get(report.persona.key, []))
        if any(valid for _code, valid in statuses):
            report.recovery_codes = statuses
        else:
            report.notes.append("kode pemulihan yang tercatat sudah terpakai semua atau sudah diganti")

    _write_private(
        state_path,
        json.dumps({"password": password, "recovery_codes": stored_codes}, indent=2, sort_keys=True),
    )
    credentials_path = directory / CREDENTIALS_FILE
    result = DemoReport(password=password, personas=reports, credentials_path=credentials_path, notes=notes)
    _write_private(credentials_path, credentials_text(result))
    return result


def _local(phone: str) -> str:
    local = "0" + phone.removeprefix("+62")
    return f"{local[:4]}-{local[4:8]}-{local[8:]}"


def _line(label: str, value: str) -> str:
    return f"  {label:<14} : {value}" if label else f"  {'':<14}   {value}"


def credentials_text(report: DemoReport) -> str:
    platform = settings.REGENCY["platform_name"]
    lines = [
        f"Akun demo {platform}: HANYA untuk pengembangan dan uji coba.",
        f"Masuk di {settings.SITE_URL}/akun/masuk/ dengan nomor HP (atau email) dan kata sandi di bawah.",
        "Kode 6 angka untuk akun petugas: .venv/bin/python manage.py demo_totp <nomor HP>",
        "(atau tambahkan rahasia TOTP di aplikasi autentikator; kode pemulihan hanya berlaku sekali).",
        "",
    ]
    for item in report.personas:
        user = item.user
        office = f", {user.office.name}" if user.office else ""
        duty = f"; {item.persona.duty}" if item.persona.duty else ""
        lines.append(f"{item.persona.key}: {user.full_name} ({user.get_role_display()}{office}{duty})")
        sign_in = _local(user.phone) + (f"  atau  {user.email}" if user.email else "")
        lines.append(_line("Nomor HP", sign_in))
        password = (
            report.password if item.password_ok else f"{report.password}  (SUDAH DIUBAH, tidak berlaku)"
        )
        lines.append(_line("Kata sandi", password))
        if item.totp_secret:
            lines.append(_line("Rahasia TOTP", totp.group_secret(item.totp_secret)))
            codes = [
                totp.format_recovery_code(code) + ("" if ok else " (tidak berlaku lagi)")
                for code, ok in item.recovery_codes
            ]
            for start in range(0, len(codes), 5):
                lines.append(
                    _line("Kode pemulihan" if start == 0 else "", ", ".join(codes[start : start + 5]))
                )
        for note in item.notes:
            lines.append(_line("Catatan", note))
        lines.append("")
    return "\n".join(lines)
