"""The periodic refresh: copies follow the summary tables, and a failure keeps the last good copy."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from layanan.core.schedule import PERIODIC_TASKS
from layanan.opendata import registry, services
from layanan.opendata.datasets import APPLICATIONS
from layanan.opendata.models import Snapshot
from layanan.opendata.tasks import opendata_refresh
from layanan.opendata.tests import builders

pytestmark = pytest.mark.django_db


def _received(copy: Snapshot) -> list[int | None]:
    return [row["diterima"] for row in json.loads(copy.json)["rows"]]


def test_the_refresh_is_on_the_periodic_schedule():
    assert "layanan.opendata.tasks.opendata_refresh" in {entry.task for entry in PERIODIC_TASKS}


def test_the_task_publishes_every_data_set_and_follows_new_figures(cast):
    office = cast.world.disdukcapil
    service = builders.service(office)
    builders.application_month(
        month=date(2026, 3, 1), service=service, office=office, kecamatan="", received=8
    )
    opendata_refresh.call()
    first = Snapshot.objects.get(slug=APPLICATIONS.slug)
    assert Snapshot.objects.count() == len(registry.datasets())
    assert _received(first) == [8]

    builders.application_month(
        month=date(2026, 4, 1), service=service, office=office, kecamatan="", received=9
    )
    later = timezone.now() + timedelta(minutes=5)
    services.snapshots_refresh(now=later)
    second = Snapshot.objects.get(slug=APPLICATIONS.slug)
    assert _received(second) == [8, 9]
    assert second.updated_at == later > first.updated_at
    assert second.period_end == date(2026, 4, 30)
    assert second.digest != first.digest


def test_running_twice_writes_the_same_copy(cast):
    office = cast.world.pupr
    builders.application_month(
        month=date(2026, 3, 1), service=builders.service(office), office=office, kecamatan="", received=6
    )
    services.snapshots_refresh()
    first = Snapshot.objects.get(slug=APPLICATIONS.slug)
    services.snapshots_refresh()
    again = Snapshot.objects.get(slug=APPLICATIONS.slug)
    assert (again.pk, again.csv, again.row_count) == (first.pk, first.csv, first.row_count)
    assert Snapshot.objects.count() == len(registry.datasets())


def test_a_failure_while_building_keeps_the_last_copy_and_the_others_are_still_refreshed(cast, monkeypatch):
    office = cast.world.disdukcapil
    service = builders.service(office)
    builders.application_month(
        month=date(2026, 3, 1), service=service, office=office, kecamatan="", received=8
    )
    services.snapshots_refresh()
    before = Snapshot.objects.get(slug=APPLICATIONS.slug)
    others_before = {copy.slug: copy.updated_at for copy in Snapshot.objects.exclude(slug=APPLICATIONS.slug)}

    def rows_then_fail():
        yield {"bulan": "2026-05", "kode_layanan": service.slug, "diterima": 50}
        raise RuntimeError("the database went away")

    broken = dataclasses.replace(APPLICATIONS, rows=rows_then_fail)
    monkeypatch.setitem(registry.REGISTRY, APPLICATIONS.slug, broken)
    with pytest.raises(RuntimeError):
        services.snapshots_refresh(now=timezone.now() + timedelta(minutes=5))

    after = Snapshot.objects.get(slug=APPLICATIONS.slug)
    assert (after.json, after.updated_at) == (before.json, before.updated_at)
    assert all(
        copy.updated_at > others_before[copy.slug]
        for copy in Snapshot.objects.exclude(slug=APPLICATIONS.slug)
    )


def test_a_failure_while_writing_rolls_the_copy_back(cast, monkeypatch):
    office = cast.world.disdukcapil
    builders.application_month(
        month=date(2026, 3, 1), service=builders.service(office), office=office, kecamatan="", received=8
    )
    services.snapshot_refresh(dataset=APPLICATIONS)
    before = Snapshot.objects.get(slug=APPLICATIONS.slug)

    def fail(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(Snapshot, "save", fail)
    with pytest.raises(RuntimeError):
        services.snapshot_refresh(dataset=APPLICATIONS, now=timezone.now() + timedelta(minutes=5))
    monkeypatch.undo()
    assert Snapshot.objects.get(slug=APPLICATIONS.slug).updated_at == before.updated_at


def test_the_command_refreshes_every_data_set(cast):
    out = io.StringIO()
    call_command("opendata_refresh", stdout=out)
    assert Snapshot.objects.count() == len(registry.datasets())
    assert APPLICATIONS.slug in out.getvalue()
