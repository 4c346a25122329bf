"""The chain is keyed: whoever owns the database can rewrite rows but not their hashes."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from layanan.audit import guard
from layanan.audit.models import AuditEvent, AuditSeal
from layanan.audit.services import audit_seal_pending, audit_verify, canonical_form, chain_hash, chain_keys
from layanan.audit.tests.conftest import record

pytestmark = pytest.mark.django_db

NOW = timedelta(0)
OTHER_KEY = "another-key-the-attacker-made-up-0123456789abcdef"


@pytest.fixture
def sealed_log(db: None) -> list[AuditEvent]:
    """Six events in two seals (3 + 3)."""
    first = [record(action="auth.login", details={"n": n}) for n in range(3)]
    audit_seal_pending(grace=NOW)
    second = [record(action="identity.set", details={"n": n}) for n in range(3, 6)]
    audit_seal_pending(grace=NOW)
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in first + second]).order_by("sequence"))


def _sha(previous: str, event: AuditEvent) -> str:
    return hashlib.sha256(previous.encode() + canonical_form(event)).hexdigest()


def rechain(start: int, link: Any) -> None:
    """What a database owner can do with the triggers dropped: recompute every hash and root from
    the event at position ``start`` on with ``link(previous, event)``."""
    events = list(AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence"))
    running = events[start - 1].hash if start else AuditSeal.GENESIS
    for event in events[start:]:
        running = link(running, event)
        AuditEvent.objects.filter(pk=event.pk).update(hash=running)
    previous = AuditSeal.GENESIS
    for seal in AuditSeal.objects.order_by("number"):
        root = AuditEvent.objects.get(sequence=seal.last_sequence).hash
        AuditSeal.objects.filter(pk=seal.pk).update(previous_root=previous, root=root)
        previous = root


def test_an_untouched_keyed_log_is_intact(sealed_log: list[AuditEvent]) -> None:
    report = audit_verify()
    assert report.ok, report.problems
    assert report.first_divergence is None
    assert set(AuditSeal.objects.values_list("key_id", flat=True)) == {chain_keys()[0].key_id}


def test_a_rewrite_with_plain_hashes_recomputed_is_found_at_the_rewritten_event(
    sealed_log: list[AuditEvent],
) -> None:
    victim = sealed_log[2]
    with guard.lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(details={"n": 99})
        rechain(2, _sha)
    report = audit_verify()
    assert not report.ok
    assert "altered" in report.kinds
    first = report.first_divergence
    assert first is not None
    assert (first.event_id, first.sequence, first.seal_number) == (victim.pk, 3, 1)
    assert first.day == timezone.localdate(victim.occurred_at)


def test_a_rewrite_chained_with_the_wrong_key_is_found(sealed_log: list[AuditEvent], settings: Any) -> None:
    victim = sealed_log[4]
    real_material, real = settings.AUDIT_CHAIN_KEY, chain_keys()[0]
    settings.AUDIT_CHAIN_KEY = OTHER_KEY
    forged_key = chain_keys()[0]
    settings.AUDIT_CHAIN_KEY = real_material
    with guard.lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(action="identity.cleared")
        rechain(4, lambda previous, event: chain_hash(previous, event, key=forged_key))
    assert AuditSeal.objects.get(number=2).key_id == real.key_id  # the attacker keeps the real key id
    report = audit_verify()
    assert report.kinds == {"altered"}
    assert report.first_divergence is not None
    assert report.first_divergence.event_id == victim.pk


def test_a_seal_claiming_a_key_that_is_not_configured_is_reported(sealed_log: list[AuditEvent]) -> None:
    with guard.lifted():
        AuditSeal.objects.filter(number=2).update(key_id="ffffffffffff")
    report = audit_verify()
    assert report.kinds == {"key"}
    assert [p.seal_number for p in report.problems] == [2]
    assert "ffffffffffff" in report.problems[0].message


def test_an_unkeyed_seal_is_reported(sealed_log: list[AuditEvent]) -> None:
    with guard.lifted():
        AuditSeal.objects.filter(number=1).update(key_id="")
    assert audit_verify().kinds == {"key"}


def test_a_rotated_key_seals_new_events_and_the_old_one_still_verifies(
    sealed_log: list[AuditEvent], settings: Any
) -> None:
    old = chain_keys()[0]
    settings.AUDIT_CHAIN_KEY = f"{OTHER_KEY},{settings.AUDIT_CHAIN_KEY}"
    new = chain_keys()[0]
    assert new.key_id != old.key_id
    record(action="auth.logout")
    seal = audit_seal_pending(grace=NOW)
    assert seal is not None
    assert seal.key_id == new.key_id
    assert audit_verify().ok

    settings.AUDIT_CHAIN_KEY = OTHER_KEY  # the old key dropped too early
    report = audit_verify()
    assert report.kinds == {"key"}
    assert {p.seal_number for p in report.problems} == {1, 2}


def test_the_migration_rekeys_an_intact_plain_chain(sealed_log: list[AuditEvent]) -> None:
    from importlib import import_module

    rekey = import_module("layanan.audit.migrations.0002_audit_chain_keyed").rekey_chain
    with guard.lifted():  # the log as the previous release left it: plain SHA-256, no key id
        AuditSeal.objects.update(key_id="")
        rechain(0, _sha)
    assert audit_verify().kinds == {"key"}

    rekey(apps, SimpleNamespace(connection=connection))

    report = audit_verify()
    assert report.ok, report.problems
    assert set(AuditSeal.objects.values_list("key_id", flat=True)) == {chain_keys()[0].key_id}
    assert guard.installed(connection) == guard.expected()
    rekey(apps, SimpleNamespace(connection=connection))  # twice: nothing left to do
    assert audit_verify().ok


def test_the_migration_refuses_to_launder_a_broken_plain_chain(sealed_log: list[AuditEvent]) -> None:
    from importlib import import_module

    rekey = import_module("layanan.audit.migrations.0002_audit_chain_keyed").rekey_chain
    with guard.lifted():
        AuditSeal.objects.update(key_id="")
        rechain(0, _sha)
        AuditEvent.objects.filter(pk=sealed_log[3].pk).update(details={"n": 42})
    with pytest.raises(RuntimeError, match=f"broken at event {sealed_log[3].pk}"):
        rekey(apps, SimpleNamespace(connection=connection))
    guard.install(connection)
