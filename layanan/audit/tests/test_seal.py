from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import pytest

from layanan.audit.models import AuditEvent, AuditSeal
from layanan.audit.services import audit_seal_pending, canonical_form, chain_keys
from layanan.audit.tasks import audit_seal
from layanan.audit.tests.conftest import LONG_AGO, old_event, record

pytestmark = pytest.mark.django_db

NOW = timedelta(0)


def _seal(**options: Any) -> AuditSeal:
    seal = audit_seal_pending(**options)
    assert seal is not None
    return seal


def _hmac(previous: str, event: AuditEvent) -> str:
    key = chain_keys()[0].secret
    return hmac.new(key, previous.encode() + canonical_form(event), hashlib.sha256).hexdigest()


def test_it_chains_each_event_to_the_one_before_across_seals(cast):
    first = [record(actor=cast.budi, action="identity.set", obj=cast.siti), record(), record()]
    seal_one = _seal(grace=NOW)
    second = [record(details={"n": 2})]
    seal_two = _seal(grace=NOW)

    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.pk for e in events] == [e.pk for e in first + second]
    assert [e.sequence for e in events] == [1, 2, 3, 4]
    running = AuditSeal.GENESIS
    for event in events:
        running = _hmac(running, event)
        assert event.hash == running
    assert (seal_one.number, seal_one.first_sequence, seal_one.last_sequence, seal_one.count) == (1, 1, 3, 3)
    assert seal_one.previous_root == AuditSeal.GENESIS
    assert seal_one.root == events[2].hash
    assert (seal_two.number, seal_two.first_sequence, seal_two.count) == (2, 4, 1)
    assert seal_two.previous_root == seal_one.root
    assert seal_two.root == events[3].hash
    assert [e.seal_id for e in events] == [seal_one.pk] * 3 + [seal_two.pk]
    assert seal_one.key_id == seal_two.key_id == chain_keys()[0].key_id


def test_the_canonical_form_covers_every_content_column_in_utc(cast):
    event = record(actor=cast.siti, action="auth.login", obj=cast.siti, details={"b": 1, "a": [1, 2]})
    event = AuditEvent.objects.get(pk=event.pk)
    content = json.loads(canonical_form(event))
    columns = {f.attname for f in AuditEvent._meta.concrete_fields} - {"seal_id", "sequence", "hash"}
    assert set(content) == columns
    assert content["occurred_at"].endswith("+00:00")
    assert list(content["details"]) == ["a", "b"]


def test_sealing_twice_seals_nothing_more():
    record()
    record()
    seal = _seal(grace=NOW)
    hashes = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))
    assert audit_seal_pending(grace=NOW) is None
    assert AuditSeal.objects.count() == 1
    assert list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)) == hashes
    assert seal.count == 2


def test_it_seals_at_most_a_batch_at_a_time(settings):
    settings.AUDIT_SEAL_BATCH = 2
    for _ in range(3):
        record()
    assert _seal(grace=NOW).count == 2
    assert _seal(grace=NOW).count == 1
    assert audit_seal_pending(grace=NOW) is None
    assert list(AuditSeal.objects.values_list("count", flat=True)) == [2, 1]


def test_it_leaves_events_younger_than_the_grace_period_for_later():
    record()
    assert audit_seal_pending() is None
    assert AuditEvent.objects.filter(sequence__isnull=True).count() == 1


def test_it_stops_at_the_first_young_event_so_a_seal_is_a_prefix_in_id_order():
    young = record()
    old = old_event()  # a higher id, but old enough
    assert old.pk > young.pk
    assert audit_seal_pending(grace=timedelta(seconds=30)) is None
    assert not AuditEvent.objects.filter(sequence__isnull=False).exists()


def test_the_periodic_task_seals_every_batch_that_is_ready(settings):
    settings.AUDIT_SEAL_BATCH = 2
    for _ in range(5):
        old_event()
    record()  # too young for the task's grace period
    assert audit_seal.call() == 5
    assert AuditSeal.objects.count() == 3
    assert audit_seal.call() == 0
    assert AuditEvent.objects.filter(sequence__isnull=True).count() == 1
    assert AuditEvent.objects.filter(occurred_at=LONG_AGO, sequence__isnull=False).count() == 5
