"""The hot paths' writes: insert unless the key exists, and enqueue with the transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django_tasks_db.models import DBTaskResult

from layanan.audit.models import AuditEvent
from layanan.core.writes import enqueue_with_transaction, insert_if_new, insert_new, pending_in_transaction
from layanan.tracking.models import TrackingNumber

pytestmark = pytest.mark.django_db

TASK = "layanan.core.tasks.task_results_prune"


def test_insert_if_new_inserts_once_and_leaves_the_transaction_usable():
    first = TrackingNumber(code="A-TEST0-00001", kind="A")
    with transaction.atomic():
        assert insert_if_new(first)
        assert first.pk is not None
        assert not insert_if_new(TrackingNumber(code="A-TEST0-00001", kind="A"))
        TrackingNumber.objects.create(code="A-TEST0-00002", kind="A")  # the transaction goes on

    assert sorted(TrackingNumber.objects.values_list("code", flat=True)) == ["A-TEST0-00001", "A-TEST0-00002"]


def test_a_task_is_enqueued_inside_the_transaction_once_per_key():
    from layanan.core.tasks import task_results_prune

    with transaction.atomic():
        assert enqueue_with_transaction(task_results_prune, key="prune")
        assert not enqueue_with_transaction(task_results_prune, key="prune")
        assert pending_in_transaction("prune")
        assert DBTaskResult.objects.filter(task_path=TASK).count() == 1  # already written, seen at commit


def test_a_rolled_back_transaction_leaves_no_task():
    from layanan.core.tasks import task_results_prune

    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012
        enqueue_with_transaction(task_results_prune, key="prune")
        raise RuntimeError("the change failed")

    assert not DBTaskResult.objects.filter(task_path=TASK).exists()
    assert not pending_in_transaction("prune")


def test_insert_new_saves_the_row_as_create_does_with_its_post_save():
    seen: list[tuple[Any, bool]] = []

    def receiver(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        seen.append((instance, created))

    post_save.connect(receiver, sender=AuditEvent, dispatch_uid="test_insert_new")
    try:
        event = AuditEvent(action="core.test", object_type="x.y", object_id="7", details={"a": [1, "b"]})
        insert_new(event)
    finally:
        post_save.disconnect(dispatch_uid="test_insert_new", sender=AuditEvent)

    assert seen == [(event, True)]
    assert event.pk is not None
    assert not event._state.adding
    assert event.occurred_at is not None  # the database default, returned and converted
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.object_id, stored.details) == ("core.test", "7", {"a": [1, "b"]})
    assert stored.occurred_at == event.occurred_at


def test_insert_new_raises_on_a_duplicate_and_rolls_back_with_its_savepoint():
    insert_new(TrackingNumber(code="A-TEST0-00003", kind="A"))
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            insert_new(TrackingNumber(code="A-TEST0-00003", kind="A"))
        insert_new(TrackingNumber(code="A-TEST0-00004", kind="A"))  # the outer transaction goes on

    assert TrackingNumber.objects.filter(code__in=["A-TEST0-00003", "A-TEST0-00004"]).count() == 2
