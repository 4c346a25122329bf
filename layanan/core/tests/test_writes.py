"""The hot paths' writes: insert unless the key exists, enqueue with the transaction, batch."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.tasks.signals import task_enqueued
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from layanan.audit.models import AuditEvent
from layanan.core.writes import (
    batched,
    enqueue_with_transaction,
    insert_if_new,
    insert_later,
    insert_new,
    pending_in_transaction,
)
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


# --- batched(): rows nobody reads before the commit, written in one statement ----------------------


def _audit(object_id: str) -> AuditEvent:
    return AuditEvent(action="core.test", object_type="x.y", object_id=object_id, details={"n": object_id})


def _inserts(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "INSERT" in query["sql"].upper()]


def test_a_batched_block_writes_its_audit_rows_and_task_rows_at_its_end_in_one_statement():
    from layanan.core.tasks import task_results_prune

    enqueued: list[Any] = []

    def receiver(sender: Any, task_result: Any, **kwargs: Any) -> None:
        enqueued.append(task_result)

    task_enqueued.connect(receiver, dispatch_uid="test_batched")
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            with batched():
                insert_later(_audit("1"))
                enqueue_with_transaction(task_results_prune, key="prune")
                insert_later(_audit("2"))
                assert not enqueue_with_transaction(task_results_prune, key="prune")  # once per key
                # Nothing written yet: the rows wait for the end of the block.
                assert not AuditEvent.objects.filter(object_type="x.y").exists()
                assert not DBTaskResult.objects.filter(task_path=TASK).exists()
                before = len(_inserts(captured))
            written = _inserts(captured)[before:]
            assert AuditEvent.objects.filter(object_type="x.y").count() == 2
    finally:
        task_enqueued.disconnect(dispatch_uid="test_batched")

    statements = 1 if connection.vendor == "postgresql" else 2  # SQLite: one INSERT per table
    assert len(written) == statements
    stored = sorted(AuditEvent.objects.filter(object_type="x.y").values_list("object_id", "details"))
    assert stored == [("1", {"n": "1"}), ("2", {"n": "2"})]
    task = DBTaskResult.objects.get(task_path=TASK)
    assert task.status == "READY"
    assert task.task_result.task.run_after is None  # "as soon as possible", as enqueue() stores it
    assert [result.id for result in enqueued] == [str(task.id)]


def test_a_savepoint_rolled_back_inside_the_block_takes_its_held_rows_and_tasks_with_it():
    from layanan.core.tasks import task_results_prune

    with transaction.atomic(), batched():
        insert_later(_audit("kept"))
        with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012
            insert_later(_audit("gone"))
            enqueue_with_transaction(task_results_prune, key="prune")
            raise RuntimeError("this step failed")
        assert not pending_in_transaction("prune")

    assert list(AuditEvent.objects.filter(object_type="x.y").values_list("object_id", flat=True)) == ["kept"]
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_a_block_left_by_an_exception_writes_nothing_and_its_transaction_rolls_back():
    from layanan.core.tasks import task_results_prune

    with pytest.raises(RuntimeError), transaction.atomic(), batched():  # noqa: PT012
        TrackingNumber.objects.create(code="A-TEST0-00005", kind="A")
        insert_later(_audit("3"))
        enqueue_with_transaction(task_results_prune, key="prune")
        raise RuntimeError("the change failed")

    assert not TrackingNumber.objects.filter(code="A-TEST0-00005").exists()
    assert not AuditEvent.objects.filter(object_type="x.y").exists()
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_held_rows_of_a_block_whose_exception_the_transaction_survived_are_written_after_the_commit(
    django_capture_on_commit_callbacks: Any,
):
    from layanan.core.tasks import task_results_prune

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with batched():
                insert_later(_audit("4"))
                enqueue_with_transaction(task_results_prune, key="prune")
                raise ValueError("caught by the caller, who commits what it has")
        except ValueError:
            pass
        assert not AuditEvent.objects.filter(object_type="x.y").exists()

    assert list(AuditEvent.objects.filter(object_type="x.y").values_list("object_id", flat=True)) == ["4"]
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1


def test_outside_a_block_or_with_a_post_save_receiver_insert_later_writes_at_once():
    outside = _audit("5")
    insert_later(outside)
    assert outside.pk is not None

    post_save.connect(lambda **kwargs: None, sender=AuditEvent, dispatch_uid="test_listened", weak=False)
    try:
        with transaction.atomic(), batched():
            listened = _audit("6")
            insert_later(listened)
            assert listened.pk is not None  # written now: its receiver expects the row to exist
    finally:
        post_save.disconnect(dispatch_uid="test_listened", sender=AuditEvent)
    assert AuditEvent.objects.filter(object_type="x.y").count() == 2


def test_an_inner_block_leaves_the_writing_to_the_outer_one():
    with transaction.atomic(), batched():
        with batched():
            insert_later(_audit("7"))
        assert not AuditEvent.objects.filter(object_type="x.y").exists()
    assert AuditEvent.objects.filter(object_type="x.y").count() == 1
