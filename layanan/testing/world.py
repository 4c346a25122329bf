"""Builders for tests: a small world with the house-style cast of personas.

``build_world()`` makes the regions and offices the cast needs (a real subset
of the Kemendagri codes) and ``build_cast()`` the personas:

- Siti, a citizen of Kotabumi;
- Budi, an officer of Disdukcapil;
- Andi, an officer of Dinas PUPR (another agency), who must be refused Budi's work;
- Rini, the village operator of Tanjung Raja (desa Tanjung Raja, 18.03.04.2009 in this world);
- Bupati, a leader who only reads;
- Audra, an auditor;
- Ayu, an administrator;
- Sekar, the signing official of Disdukcapil.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.agencies.models import Office
from layanan.regions.models import Region

TEST_PASSWORD = "kata-sandi-uji-123"  # noqa: S105  # test-only password shared by the cast


@dataclass
class World:
    regency: Region
    kotabumi: Region
    kotabumi_pasar: Region
    tanjung_raja: Region
    tanjung_raja_desa: Region
    disdukcapil: Office
    pupr: Office
    kec_kotabumi: Office
    kec_tanjung_raja: Office
    desa_tanjung_raja: Office


@dataclass
class Cast:
    world: World
    siti: User
    budi: User
    andi: User
    rini: User
    bupati: User
    auditor: User
    admin: User
    sekar: User

    def all(self) -> dict[str, User]:
        return {
            "siti": self.siti,
            "budi": self.budi,
            "andi": self.andi,
            "rini": self.rini,
            "bupati": self.bupati,
            "auditor": self.auditor,
            "admin": self.admin,
            "sekar": self.sekar,
        }


def _region(code: str, name: str, level: str, parent: Region | None, village_type: str = "") -> Region:
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "village_type": village_type}
    )
    return region


def _office(code: str, name: str, kind: str, region: Region, short_name: str = "") -> Office:
    office, _ = Office.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "region": region, "short_name": short_name}
    )
    return office


def build_world() -> World:
    L = Region.Level
    province = _region("18", "Lampung", L.PROVINCE, None)
    regency = _region("18.03", "Kabupaten Lampung Utara", L.REGENCY, province)
    kotabumi = _region("18.03.02", "Kotabumi", L.DISTRICT, regency)
    kotabumi_pasar = _region("18.03.02.1005", "Kotabumi Pasar", L.VILLAGE, kotabumi, "kelurahan")
    tanjung_raja = _region("18.03.04", "Tanjung Raja", L.DISTRICT, regency)
    tanjung_raja_desa = _region("18.03.04.2009", "Tanjung Raja", L.VILLAGE, tanjung_raja, "desa")
    K = Office.Kind
    return World(
        regency=regency,
        kotabumi=kotabumi,
        kotabumi_pasar=kotabumi_pasar,
        tanjung_raja=tanjung_raja,
        tanjung_raja_desa=tanjung_raja_desa,
        disdukcapil=_office("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", K.AGENCY, regency),
        pupr=_office("dinas-pupr", "Dinas Pekerjaan Umum dan Penataan Ruang", K.AGENCY, regency),
        kec_kotabumi=_office("kec-18-03-02", "Kantor Camat Kotabumi", K.DISTRICT, kotabumi),
        kec_tanjung_raja=_office("kec-18-03-04", "Kantor Camat Tanjung Raja", K.DISTRICT, tanjung_raja),
        desa_tanjung_raja=_office(
            "desa-18-03-04-2009", "Kantor Desa Tanjung Raja", K.VILLAGE, tanjung_raja_desa
        ),
    )


def make_user(*, phone: str, full_name: str, role: str = Role.CITIZEN, **extra: Any) -> User:
    extra.setdefault("phone_verified_at", timezone.now())
    return User.objects.create_user(phone, TEST_PASSWORD, full_name=full_name, role=role, **extra)


def build_cast(world: World | None = None) -> Cast:
    w = world or build_world()
    return Cast(
        world=w,
        siti=make_user(phone="081200000001", full_name="Siti Aminah", home_region=w.kotabumi_pasar),
        budi=make_user(
            phone="081200000002", full_name="Budi Santoso", role=Role.OFFICER, office=w.disdukcapil
        ),
        andi=make_user(phone="081200000003", full_name="Andi Pratama", role=Role.OFFICER, office=w.pupr),
        rini=make_user(
            phone="081200000004", full_name="Rini Lestari", role=Role.OPERATOR, office=w.desa_tanjung_raja
        ),
        bupati=make_user(phone="081200000005", full_name="Bupati Lampung Utara", role=Role.LEADER),
        auditor=make_user(phone="081200000006", full_name="Audra Wibowo", role=Role.AUDITOR),
        admin=make_user(
            phone="081200000007",
            full_name="Ayu Administrator",
            role=Role.ADMIN,
            is_staff=True,
            is_superuser=True,
        ),
        sekar=make_user(
            phone="081200000008", full_name="Sekar Kusuma", role=Role.SIGNER, office=w.disdukcapil
        ),
    )
