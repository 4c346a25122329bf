"""The hot paths' writes: insert unless the key exists, and enqueue with the transaction."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from layanan.core.writes import enqueue_with_transaction, insert_if_new, pending_in_transaction
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
