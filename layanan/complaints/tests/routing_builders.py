"""Builders for the routing tests: the regency's agencies, categories, and a synthetic report history."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.complaints.models import Category, Disposition, Kind, Report
from layanan.testing import World

# Per-office words of a synthetic report history. Some words are shared on purpose
# (antrean, pungutan, lambat, petugas, air, sekolah) so the classifier cannot be perfect.
VOCABULARIES: dict[str, list[str]] = {
    "dinas-pupr": [
        "jalan",
        "rusak",
        "berlubang",
        "jembatan",
        "aspal",
        "drainase",
        "gorong",
        "longsor",
        "air",
        "sumur",
        "lampu",
        "banjir",
    ],
    "dinkes": [
        "puskesmas",
        "obat",
        "dokter",
        "bidan",
        "posyandu",
        "demam",
        "imunisasi",
        "pasien",
        "antrean",
        "ambulans",
        "air",
    ],
    "disdik": [
        "sekolah",
        "guru",
        "murid",
        "seragam",
        "pungutan",
        "kelas",
        "bangku",
        "ujian",
        "beasiswa",
        "zonasi",
    ],
    "disdukcapil": [
        "ktp",
        "kartu",
        "keluarga",
        "akta",
        "kelahiran",
        "blanko",
        "rekam",
        "cetak",
        "pindah",
        "antrean",
    ],
    "dinsos": [
        "bantuan",
        "pkh",
        "bpnt",
        "sembako",
        "lansia",
        "miskin",
        "dtks",
        "sasaran",
        "penerima",
        "disabilitas",
    ],
    "dlh": [
        "sampah",
        "menumpuk",
        "bau",
        "limbah",
        "sungai",
        "tercemar",
        "asap",
        "pembakaran",
        "pohon",
        "tps",
    ],
    "inspektorat": [
        "petugas",
        "pungli",
        "pungutan",
        "kasar",
        "lambat",
        "dipersulit",
        "calo",
        "uang",
        "pelayanan",
        "ramah",
    ],
    "diskominfo": [
        "aplikasi",
        "website",
        "internet",
        "sinyal",
        "informasi",
        "error",
        "login",
        "menu",
        "lambat",
        "wifi",
    ],
}
FILLER = [
    "mohon",
    "segera",
    "ditindaklanjuti",
    "warga",
    "desa",
    "kami",
    "sudah",
    "lama",
    "bulan",
    "minggu",
    "kondisi",
    "parah",
    "tolong",
    "dibantu",
    "perbaiki",
    "keluhan",
    "masalah",
    "petugas",
    "sekolah",
    "pasar",
    "dekat",
    "rumah",
]


def agencies_build(world: World) -> dict[str, Office]:
    """Every OPD of data/agencies.csv, on the regency (the world already has Disdukcapil and PUPR)."""
    offices: dict[str, Office] = {}
    path = Path(settings.BASE_DIR) / "data" / "agencies.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            offices[row["code"]], _ = Office.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": Office.Kind.AGENCY,
                    "region": world.regency,
                },
            )
    return offices


def category_build(
    *, office: Office, slug: str = "jalan-jembatan", name: str = "Jalan dan jembatan"
) -> Category:
    return Category.objects.create(slug=slug, name=name, default_office=office)


@dataclass(frozen=True)
class SyntheticText:
    text: str
    office_code: str  # the office a verifier chose


def synthetic_texts(*, count: int, seed: int = 5, label_noise: float = 0.05) -> list[SyntheticText]:
    """Report texts: 2-4 words of the office's vocabulary, 0-1 word of another's, 3-7 fillers.

    With ``label_noise`` the verifier's office is another one (mistakes, or reports that
    really belonged elsewhere), as in a real history.
    """
    rng = random.Random(seed)  # reproducible test data, not security
    codes = sorted(VOCABULARIES)
    texts = []
    for _ in range(count):
        code = rng.choice(codes)
        words = rng.sample(VOCABULARIES[code], rng.randint(2, 4))
        if rng.random() < 0.5:
            other = rng.choice([c for c in codes if c != code])
            words.append(rng.choice(VOCABULARIES[other]))
        words += [rng.choice(FILLER) for _ in range(rng.randint(3, 7))]
        rng.shuffle(words)
        label = rng.choice(codes) if rng.random() < label_noise else code
        texts.append(SyntheticText(text=" ".join(words).capitalize() + ".", office_code=label))
    return texts


def history_build(
    *, world: World, offices: dict[str, Office], by: User, texts: list[SyntheticText], start: int = 0
) -> list[Report]:
    category = Category.objects.filter(slug="lainnya").first() or category_build(
        office=offices["diskominfo"], slug="lainnya", name="Lainnya"
    )
    reports = Report.objects.bulk_create(
        Report(
            tracking_number=f"ADU-T{start + i:06d}",
            kind=Kind.COMPLAINT,
            category=category,
            text=item.text,
            region=world.kotabumi_pasar,
        )
        for i, item in enumerate(texts)
    )
    reports = list(Report.objects.filter(tracking_number__in=[r.tracking_number for r in reports]))
    by_number = {report.tracking_number: report for report in reports}
    due = timezone.now() + timedelta(days=5)
    Disposition.objects.bulk_create(
        Disposition(
            report=by_number[f"ADU-T{start + i:06d}"],
            office=offices[item.office_code],
            due_at=due,
            created_by=by,
        )
        for i, item in enumerate(texts)
    )
    return reports
