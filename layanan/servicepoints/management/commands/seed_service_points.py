"""Create the missing service points: one per kantor kecamatan and desa/kelurahan, and Disdukcapil.

Safe to run again: offices that already have a point keep it as an administrator left it.
``make run`` (scripts/run) calls it after load_regions.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from layanan.servicepoints.services import service_points_seed


class Command(BaseCommand):
    help = "Create a service point for every kantor kecamatan and desa/kelurahan, and for Disdukcapil."

    def handle(self, *args: Any, **options: Any) -> None:
        report = service_points_seed()
        self.stdout.write(f"service points: {report.created} created, {report.kept} kept")
