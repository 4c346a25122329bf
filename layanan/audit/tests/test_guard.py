"""The database itself refuses to change or remove audit rows (PostgreSQL and SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from layanan.audit import guard
from layanan.audit.models import AuditEvent, AuditSeal
from layanan.audit.tests.conftest import old_event, record

pytestmark = pytest.mark.django_db

HASH = "a" * 64


def _refused(action) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        action()


def _seal_row(first: int = 1, last: int = 10) -> AuditSeal:
    return AuditSeal.objects.create(
        number=1,
        first_sequence=first,
        last_sequence=last,
        count=last - first + 1,
        previous_root=AuditSeal.GENESIS,
        root=HASH,
        sealed_at=timezone.now(),
    )


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_guard_is_installed_by_migrate():
    assert guard.installed(connection) == guard.expected()
    assert guard.expected()


def test_the_orm_cannot_update_an_event():
    event = record(details={"status": "asli"})
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(details={"status": "palsu"}))
    event.details = {"status": "palsu"}
    _refused(event.save)
    assert AuditEvent.objects.get(pk=event.pk).details == {"status": "asli"}


def test_the_orm_cannot_delete_an_event():
    event = record()
    _refused(event.delete)
    _refused(lambda: AuditEvent.objects.all().delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_cannot_update_or_delete_an_event():
    event = record(action="auth.login")
    _refused(lambda: _raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["auth.logout", event.pk]))
    _refused(lambda: _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk]))
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


def test_an_event_cannot_be_inserted_already_sealed():
    seal = _seal_row()
    _refused(lambda: AuditEvent.objects.create(action="test.forged", seal=seal, sequence=1, hash=HASH))
    _refused(lambda: AuditEvent.objects.create(action="test.forged", hash=HASH))
    assert not AuditEvent.objects.exists()


def test_the_one_time_sealing_update_is_allowed_and_only_once():
    event = old_event()
    seal = _seal_row()
    AuditEvent.objects.filter(pk=event.pk).update(seal=seal, sequence=1, hash=HASH)
    assert AuditEvent.objects.get(pk=event.pk).hash == HASH

    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(hash="b" * 64))
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(sequence=2))
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(seal=None, sequence=None, hash=""))
    assert AuditEvent.objects.filter(pk=event.pk, sequence=1, hash=HASH).exists()


@pytest.mark.parametrize(
    ("seal_fields", "why"),
    [
        ({"sequence": 11}, "a sequence outside the seal's range"),
        ({"hash": "short"}, "a hash that is not 64 characters"),
        ({"sequence": None}, "no sequence"),
    ],
)
def test_a_malformed_sealing_update_is_refused(seal_fields, why):
    event = old_event()
    seal = _seal_row(first=1, last=10)
    values = {"seal": seal, "sequence": 1, "hash": HASH, **seal_fields}
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(**values))
    assert AuditEvent.objects.get(pk=event.pk).seal_id is None, why


CONTENT_CHANGES = {
    "id": lambda event, other: {"id": event.pk + 1000},
    "occurred_at": lambda event, other: {"occurred_at": datetime(2001, 1, 1, tzinfo=UTC)},
    "actor": lambda event, other: {"actor": other},
    "actor_label": lambda event, other: {"actor_label": "Orang Lain"},
    "actor_role": lambda event, other: {"actor_role": "admin"},
    "action": lambda event, other: {"action": "test.rewritten"},
    "object_type": lambda event, other: {"object_type": "accounts.user"},
    "object_id": lambda event, other: {"object_id": "999"},
    "source_address": lambda event, other: {"source_address": "203.0.113.66"},
    "user_agent": lambda event, other: {"user_agent": "curl/8"},
    "details": lambda event, other: {"details": {"n": 2}},
}


def test_every_content_column_is_covered_below():
    content = {f.name for f in AuditEvent._meta.concrete_fields} - {"seal", "sequence", "hash"}
    assert content == set(CONTENT_CHANGES)


@pytest.mark.parametrize("column", sorted(CONTENT_CHANGES))
def test_sealing_cannot_smuggle_in_a_change_of(cast, column):
    event = old_event(actor=cast.siti, actor_label="Siti Aminah", source_address="198.51.100.4")
    seal = _seal_row()
    change = CONTENT_CHANGES[column](event, cast.budi)
    _refused(
        lambda: AuditEvent.objects.filter(pk=event.pk).update(seal=seal, sequence=1, hash=HASH, **change)
    )
    # The same sealing without the change goes through, so the refusal above was about the change.
    AuditEvent.objects.filter(pk=event.pk).update(seal=seal, sequence=1, hash=HASH)
    assert AuditEvent.objects.get(pk=event.pk).sequence == 1


def test_a_seal_cannot_be_changed_or_removed():
    seal = _seal_row()
    _refused(lambda: AuditSeal.objects.filter(pk=seal.pk).update(root="b" * 64))
    _refused(lambda: _raw("UPDATE audit_auditseal SET count = %s WHERE id = %s", [1, seal.pk]))
    _refused(seal.delete)
    _refused(lambda: _raw("DELETE FROM audit_auditseal WHERE id = %s", [seal.pk]))
    assert AuditSeal.objects.get(pk=seal.pk).root == HASH


def test_lifting_the_guard_is_what_it_takes_to_tamper_and_it_comes_back():
    event = record(details={"status": "asli"})
    with guard.lifted():
        AuditEvent.objects.filter(pk=event.pk).update(details={"status": "palsu"})
    assert guard.installed(connection) == guard.expected()
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(details={"status": "asli"}))
    assert AuditEvent.objects.get(pk=event.pk).details == {"status": "palsu"}
