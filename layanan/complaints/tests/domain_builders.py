"""Builders for the complaints domain tests: categories, reports at each stage, and a settable clock."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.applications.tests.builders import Clock, png_upload, wib  # noqa: F401  # re-exported
from layanan.complaints import services
from layanan.complaints.models import Category, Kind, Report
from layanan.testing import Cast

_numbers = itertools.count(1)

TEXT = "Jalan desa rusak berlubang besar di depan balai desa, sudah tiga bulan belum diperbaiki."


def category(office: Office, *, slug: str = "", active: bool = True) -> Category:
    number = next(_numbers)
    return Category.objects.create(
        slug=slug or f"kategori-uji-{number}",
        name=f"Kategori {number}",
        default_office=office,
        is_active=active,
    )


def submitted(
    cast: Cast, *, reporter: User | None = None, office: Office | None = None, **extra: Any
) -> Report:
    """A report filed by Siti (by default) in Kotabumi Pasar, in a category of ``office`` (Disdukcapil)."""
    values: dict[str, Any] = {
        "reporter": cast.siti if reporter is None else reporter,
        "kind": Kind.COMPLAINT,
        "category": category(office or cast.world.disdukcapil),
        "text": TEXT,
        "region": cast.world.kotabumi_pasar,
        "submit_key": uuid.uuid4(),
    }
    values.update(extra)
    return services.report_submit(**values)


def disposed(cast: Cast, report: Report | None = None, **extra: Any) -> Report:
    report = report or submitted(cast, **extra)
    return services.report_verify(report=report, actor=cast.admin, expected_version=report.version)


def answered(cast: Cast, report: Report | None = None, **extra: Any) -> Report:
    report = disposed(cast, report, **extra)
    report = services.report_start(report=report, actor=cast.budi, expected_version=report.version)
    return services.report_answer(
        report=report, actor=cast.budi, expected_version=report.version, answer="Sudah kami perbaiki."
    )


def reloaded(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)
