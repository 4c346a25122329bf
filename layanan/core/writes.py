"""Writes of the hot paths, in as few round trips as they can take without giving anything up.

- :func:`insert_if_new` saves a row unless a row with the same unique key exists, in one
  statement (``INSERT ... ON CONFLICT DO NOTHING RETURNING id``) instead of a look-up, a
  savepoint, the INSERT and the savepoint's release. It does not break the caller's transaction
  on a duplicate: there is no error to roll back.
- :func:`enqueue_with_transaction` enqueues a task for the transaction that calls for it, at most
  once per ``key`` in that transaction. With the database task backend on the same database the
  task row is written inside the transaction (an outbox): it exists exactly when the change
  committed, is seen by the workers at the commit, costs no commit of its own, and is rolled back
  with a savepoint that is. Any other backend (a broker, the immediate backend) is enqueued after
  the commit, as ``transaction.on_commit`` does. Outside a transaction it is enqueued at once.

On PostgreSQL every commit waits for the WAL to reach the disk: one task enqueued after the commit
is one more commit per change, which on a busy machine costs more than the change's own rows.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models, router, transaction
from django.db.models.constants import OnConflict
from django.tasks import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

__all__ = ["enqueue_with_transaction", "insert_if_new", "pending_in_transaction"]


def insert_if_new(obj: models.Model) -> bool:
    """Insert ``obj`` unless it collides with a row on a unique constraint; True when inserted.

    One statement, no savepoint. ``obj`` gets its primary key when inserted. No ``pre_save`` or
    ``post_save`` signal is sent (the models this is used for have none); ``auto_now_add`` and
    defaults are applied as by ``save()``.
    """
    model = type(obj)
    meta = model._meta
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and not (field.primary_key and getattr(obj, field.attname) is None)
    ]
    using = router.db_for_write(model, instance=obj)
    rows = model._base_manager._insert(  # type: ignore[attr-defined]  # what save() itself calls
        [obj],
        fields=fields,
        returning_fields=meta.db_returning_fields,
        using=using,
        on_conflict=OnConflict.IGNORE,
    )
    if not rows:
        return False
    for value, field in zip(rows[0], meta.db_returning_fields, strict=True):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
    return True


class _Pending:
    """An ``on_commit`` entry standing for one enqueue of this transaction (savepoint-aware)."""

    __slots__ = ("args", "key", "sent", "task")

    def __init__(self, task: Task[Any, Any], args: tuple[Any, ...], key: Hashable, sent: bool) -> None:
        self.task = task
        self.args = args
        self.key = key
        self.sent = sent

    def __call__(self) -> None:
        if not self.sent:
            self.sent = True
            self.task.enqueue(*self.args)


def _in_transaction_possible(task: Task[Any, Any], using: str) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend) and router.db_for_write(DBTaskResult) == using


def pending_in_transaction(key: Hashable, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether this transaction already enqueued a task under ``key`` (and did not roll it back)."""
    connection = transaction.get_connection(using)
    return any(
        isinstance(callback, _Pending) and callback.key == key
        for _sids, callback, _robust in connection.run_on_commit
    )


def enqueue_with_transaction(
    task: Task[Any, Any], *args: Any, key: Hashable | None = None, using: str = DEFAULT_DB_ALIAS
) -> bool:
    """Enqueue ``task(*args)`` for the current transaction on ``using``; False if ``key`` already was.

    See the module docstring. ``key`` (any hashable) makes the enqueue once per transaction: a
    second call with the same key in the same transaction does nothing, unless the first one was
    inside a savepoint since rolled back. A failure to enqueue inside the transaction fails the
    transaction, like any other of its rows.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        task.enqueue(*args)
        return True
    if key is not None and pending_in_transaction(key, using=using):
        return False
    now = _in_transaction_possible(task, using)
    if now:
        task.enqueue(*args)
    # robust: after the commit, a failed enqueue is logged and the periodic safety nets catch up.
    transaction.on_commit(_Pending(task, args, key, sent=now), using=using, robust=True)
    return True
