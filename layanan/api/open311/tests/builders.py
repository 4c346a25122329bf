"""Builders for the Open311 tests: an API key, a category, reports on and off the public list."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.api.tokens import token_create
from layanan.complaints.models import Category
from layanan.complaints.tests import domain_builders as built
from layanan.testing import Cast

BASE = "/open311/v2"
TEXT = "Lampu jalan di simpang pasar mati sejak seminggu, jalan gelap dan rawan kecelakaan malam hari."


def api_key(user: User) -> str:
    """A raw ``open311`` key for ``user`` (an administrator: only they may hold the scope)."""
    return token_create(user=user, actor=user, name="Aplikasi kota", scopes=["open311"]).raw


def category(cast: Cast, slug: str = "lampu-jalan", office: Office | None = None) -> Category:
    """The test category (Dinas PUPR's by default; Budi, who answers in tests, is Disdukcapil's)."""
    return Category.objects.filter(slug=slug).first() or Category.objects.create(
        slug=slug,
        name="Lampu jalan",
        description="Lampu penerangan jalan umum mati atau rusak.",
        default_office=office or cast.world.pupr,
    )


def form(cast: Cast, key: str, **extra: Any) -> dict[str, Any]:
    """A POST Service Request as the specification's example sends it, with our attributes."""
    return {
        "api_key": key,
        "service_code": category(cast).slug,
        "lat": "-4.834000",
        "long": "104.883000",
        "description": TEXT,
        "attribute[region]": cast.world.kotabumi_pasar.code,
        **extra,
    }


def xml(response: Any) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)  # noqa: S314  # our own answer


def public(cast: Cast, **extra: Any) -> Any:
    """A verified (public) report of Siti's, in the Open311 test category."""
    return built.disposed(cast, category=category(cast), **extra)
