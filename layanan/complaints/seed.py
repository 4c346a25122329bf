"""Report categories from ``data/complaint_categories.json``: read, check, and create what is missing.

The file is the starting point; the admin is where categories are kept
afterwards. Seeding creates only the categories (by slug) that do not exist,
so an administrator's edits survive every start; ``update=True`` brings the
existing ones back to the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from layanan.agencies.models import Office
from layanan.audit.services import audit_record
from layanan.complaints.models import Category


class CategoryFileError(ValueError):
    """The categories file cannot be read or is not what it should be."""


class CategorySeedError(ValueError):
    """The categories cannot be created here (e.g. an office named in the file does not exist)."""


@dataclass(frozen=True)
class CategoryEntry:
    slug: str
    name: str
    description: str
    office: str
    name_en: str
    description_en: str
    order: int
    is_platform_feedback: bool


@dataclass
class CategorySeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def categories_file_default() -> Path:
    return Path(settings.BASE_DIR) / "data" / "complaint_categories.json"


def categories_parse(data: Any) -> list[CategoryEntry]:
    """The entries of a parsed categories file; :class:`CategoryFileError` names what is wrong."""
    rows = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise CategoryFileError("Berkas kategori harus berisi daftar 'categories' yang tidak kosong.")
    entries: list[CategoryEntry] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise CategoryFileError(f"Kategori ke-{number} bukan objek.")
        for key in ("slug", "name", "office"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise CategoryFileError(f"Kategori ke-{number}: '{key}' wajib diisi.")
        slug = row["slug"].strip()
        if slug in seen:
            raise CategoryFileError(f"Kode kategori '{slug}' muncul dua kali.")
        seen.add(slug)
        entries.append(
            CategoryEntry(
                slug=slug,
                name=row["name"].strip(),
                description=str(row.get("description", "")).strip(),
                office=row["office"].strip(),
                name_en=str(row.get("name_en", "")).strip(),
                description_en=str(row.get("description_en", "")).strip(),
                order=int(row.get("order", 100)),
                is_platform_feedback=bool(row.get("is_platform_feedback", False)),
            )
        )
    return entries


def categories_file_read(path: Path) -> list[CategoryEntry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CategoryFileError(f"Berkas kategori {path} tidak dapat dibaca: {exc}") from exc
    return categories_parse(data)


def complaint_categories_seed(*, entries: list[CategoryEntry], update: bool = False) -> CategorySeedReport:
    """Create the missing categories (by slug); with ``update``, bring existing ones back to ``entries``."""
    codes = {entry.office for entry in entries}
    offices = {office.code: office for office in Office.objects.filter(code__in=codes)}
    missing = sorted(codes - offices.keys())
    if missing:
        raise CategorySeedError(
            "Kantor belum ada: " + ", ".join(missing) + ". Jalankan load_regions (atau seed_offices) dulu."
        )
    report = CategorySeedReport()
    with transaction.atomic():
        existing = {category.slug: category for category in Category.objects.select_for_update()}
        for entry in entries:
            values = {
                "name": entry.name,
                "description": entry.description,
                "default_office": offices[entry.office],
                "order": entry.order,
                "is_platform_feedback": entry.is_platform_feedback,
            }
            english = {"name_en": entry.name_en, "description_en": entry.description_en}
            category = existing.get(entry.slug)
            if category is None:
                Category.objects.create(slug=entry.slug, **values, **english)
                report.created.append(entry.slug)
                continue
            # English written later reaches categories made before it; an administrator's English stays.
            blank = [key for key, value in english.items() if value and not getattr(category, key)]
            if blank:
                for key in blank:
                    setattr(category, key, english[key])
                category.save(update_fields=blank)
                report.updated.append(entry.slug)
                continue
            if not update or all(getattr(category, key) == value for key, value in values.items()):
                report.unchanged.append(entry.slug)
                continue
            for key, value in values.items():
                setattr(category, key, value)
            category.save(update_fields=[*values.keys()])
            report.updated.append(entry.slug)
        if report.created or report.updated:
            audit_record(
                actor=None,
                action="complaints.categories_seed",
                details={"created": report.created, "updated": report.updated},
            )
    return report
