"""Writes of the hot paths, in as few round trips as they can take without giving anything up.

- :func:`insert_if_new` saves a row unless a row with the same unique key exists, in one
  statement (``INSERT ... ON CONFLICT DO NOTHING RETURNING id``) instead of a look-up, a
  savepoint, the INSERT and the savepoint's release. It does not break the caller's transaction
  on a duplicate: there is no error to roll back.
- :func:`insert_new` is ``Model.objects.create()`` for a plain model (no custom ``save()``, no
  parent model) without the ORM's statement compiler: the ``INSERT`` of each model and column set
  is built once per process (from ``_meta``), each call only prepares the values (``pre_save``,
  ``get_db_prep_save``, as ``save()`` does) and sends ``pre_save``/``post_save``. A model it cannot
  take (an expression as a value, a custom ``save()``...) goes through ``save()`` instead.
- :func:`enqueue_with_transaction` enqueues a task for the transaction that calls for it, at most
  once per ``key`` in that transaction. With the database task backend on the same database the
  task row is written inside the transaction (an outbox): it exists exactly when the change
  committed, is seen by the workers at the commit, costs no commit of its own, and is rolled back
  with a savepoint that is. Any other backend (a broker, the immediate backend) is enqueued after
  the commit, as ``transaction.on_commit`` does. Outside a transaction it is enqueued at once.
- :func:`batched` holds back, until the end of its block, the rows nobody reads before the commit:
  the task rows of :func:`enqueue_with_transaction` and the rows given to :func:`insert_later`
  (audit events). At the end of the block they are written in one statement (several tables at
  once through a ``WITH`` on PostgreSQL; one multi-row ``INSERT`` per table on SQLite), still
  inside the transaction: they commit or roll back with it, and a savepoint rolled back inside the
  block takes its rows with it. Every statement costs the web process about as much as its row;
  a complaint's submit writes three rows this way in one statement instead of three.

On PostgreSQL every commit waits for the WAL to reach the disk: one task enqueued after the commit
is one more commit per change, which on a busy machine costs more than the change's own rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.constants import OnConflict
from django.db.models.expressions import DatabaseDefault
from django.db.models.signals import post_save, pre_save
from django.tasks import Task
from django.tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

__all__ = [
    "batched",
    "enqueue_with_transaction",
    "insert_if_new",
    "insert_later",
    "insert_new",
    "pending_in_transaction",
]

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True, slots=True)
class _Insert:
    """One model's ``INSERT`` for one set of columns, built once per process."""

    sql: str
    returning_params: tuple[Any, ...]
    returning: tuple[tuple[str, Any, tuple[Converter, ...]], ...]  # attname, column, converters


_inserts: dict[tuple[type[models.Model], str, tuple[str, ...], bool], _Insert] = {}


def _insert_plan(
    model: type[models.Model],
    connection: BaseDatabaseWrapper,
    fields: list[models.Field[Any, Any]],
    ignore_conflicts: bool,
) -> _Insert:
    key = (model, connection.alias, tuple(field.attname for field in fields), ignore_conflicts)
    plan = _inserts.get(key)
    if plan is None:
        meta = model._meta
        ops = connection.ops
        on_conflict = OnConflict.IGNORE if ignore_conflicts else None
        returning_fields = list(meta.db_returning_fields)
        returning_sql, returning_params = ops.returning_columns(returning_fields)
        parts = [
            f"{ops.insert_statement(on_conflict=on_conflict)} {ops.quote_name(meta.db_table)}",
            "(" + ", ".join(ops.quote_name(str(field.column)) for field in fields) + ")",
            "VALUES (" + ", ".join(["%s"] * len(fields)) + ")",
            ops.on_conflict_suffix_sql(fields, on_conflict, (), ()),
            returning_sql,
        ]
        returning = []
        for field in returning_fields:
            column = field.get_col(meta.db_table)
            converters = ops.get_db_converters(column) + column.get_db_converters(connection)
            returning.append((field.attname, column, tuple(converters)))
        plan = _Insert(" ".join(part for part in parts if part), tuple(returning_params), tuple(returning))
        _inserts[key] = plan
    return plan


_columns: dict[type[models.Model], tuple[models.Field[Any, Any], ...] | None] = {}


def _candidate_fields(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...] | None:
    """The fields an INSERT of ``model`` may name; None when a prebuilt INSERT cannot take it."""
    if model not in _columns:
        meta = model._meta
        fields = tuple(field for field in meta.local_concrete_fields if not field.generated)
        takes = not (meta.parents or meta.order_with_respect_to) and not any(
            hasattr(field, "get_placeholder_sql")
            for field in fields  # e.g. geometry: the compiler's job
        )
        _columns[model] = fields if takes else None
    return _columns[model]


def _prepared(
    obj: models.Model, connection: BaseDatabaseWrapper
) -> tuple[list[models.Field[Any, Any]], list[Any]] | None:
    """The columns and database values of a new ``obj`` (as ``save()`` prepares them), or None
    when a prebuilt statement cannot take it."""
    candidates = _candidate_fields(type(obj))
    if candidates is None or not connection.features.can_return_columns_from_insert:
        return None
    fields, values = [], []
    for field in candidates:
        if field.primary_key and getattr(obj, field.attname) is None:
            continue
        value = field.pre_save(obj, add=True)
        if isinstance(value, DatabaseDefault):
            continue  # the column's default, as the compiler leaves out an all-default column
        if hasattr(value, "resolve_expression"):
            return None  # an expression: the compiler's job
        fields.append(field)
        values.append(field.get_db_prep_save(value, connection=connection))
    return (fields, values) if fields else None


def _insert(obj: models.Model, using: str, *, ignore_conflicts: bool) -> bool | None:
    """INSERT ``obj`` with a prebuilt statement: True/False (inserted or not), None if it cannot."""
    model = type(obj)
    connection = connections[using]
    prepared = _prepared(obj, connection)
    if prepared is None:
        return None
    fields, values = prepared
    plan = _insert_plan(model, connection, fields, ignore_conflicts)
    rows: list[Any]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, (*values, *plan.returning_params))
        if not plan.returning:  # nothing made by the database (a primary key set here): the row count
            inserted = cursor.rowcount > 0
            rows = [()] if inserted else []
        else:
            rows = connection.ops.fetch_returned_rows(cursor, plan.returning_params)
    if not rows:
        return False
    for value, (attname, column, converters) in zip(rows[0], plan.returning, strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        setattr(obj, attname, value)
    obj._state.adding = False
    obj._state.db = using
    return True


def _saves_plainly(model: type[models.Model]) -> bool:
    """Whether ``model`` is saved by ``Model.save()`` itself: no own ``save()``, proxy or parent."""
    meta = model._meta
    return model.save is models.Model.save and not (meta.proxy or meta.parents or meta.auto_created)


def insert_new(obj: models.Model) -> None:
    """Save the new ``obj`` as ``save(force_insert=True)`` does, with a statement built once.

    ``pre_save`` and ``post_save`` are sent as by ``save()``. A model with its own ``save()``, a
    proxy or a child model goes through ``save()``; an expression as a value through the ORM's
    compiler (``Model._save_table``, what ``save()`` calls between its signals).
    """
    model = type(obj)
    meta = model._meta
    if not _saves_plainly(model):
        obj.save(force_insert=True)
        return
    using = router.db_for_write(model, instance=obj)
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]  # as save()
    if pre_save.has_listeners(model):
        pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    if getattr(obj, meta.pk.attname) is None:
        setattr(obj, meta.pk.attname, meta.pk.get_pk_value_on_save(obj))
    with transaction.mark_for_rollback_on_error(using=using):
        if _insert(obj, using, ignore_conflicts=False) is None:
            obj._save_table(cls=model, force_insert=True, using=using)  # type: ignore[attr-defined]
    obj._state.db = using
    obj._state.adding = False
    if post_save.has_listeners(model):
        post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using)


def insert_if_new(obj: models.Model) -> bool:
    """Insert ``obj`` unless it collides with a row on a unique constraint; True when inserted.

    One statement, no savepoint. ``obj`` gets its primary key when inserted. No ``pre_save`` or
    ``post_save`` signal is sent (the models this is used for have none); ``auto_now_add`` and
    defaults are applied as by ``save()``.
    """
    model = type(obj)
    using = router.db_for_write(model, instance=obj)
    with transaction.mark_for_rollback_on_error(using=using):
        inserted = _insert(obj, using, ignore_conflicts=True)
    if inserted is not None:
        return inserted
    meta = model._meta
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and not (field.primary_key and getattr(obj, field.attname) is None)
    ]
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
    """An ``on_commit`` entry standing for one enqueue of this transaction (savepoint-aware).

    ``held``: its row waits for the end of the :func:`batched` block (``sent`` once written).
    """

    __slots__ = ("args", "held", "key", "sent", "task")

    def __init__(
        self, task: Task[Any, Any], args: tuple[Any, ...], key: Hashable, sent: bool, held: bool = False
    ) -> None:
        self.task = task
        self.args = args
        self.key = key
        self.sent = sent
        self.held = held

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
    held = now and _batch_open(connection) and hasattr(task.get_backend(), "task_row")
    if now and not held:
        task.enqueue(*args)
    # robust: after the commit, a failed enqueue is logged and the periodic safety nets catch up.
    pending = _Pending(task, args, key, sent=now and not held, held=held)
    transaction.on_commit(pending, using=using, robust=True)
    return True


# --- batched rows -----------------------------------------------------------------------------------

_BATCH_ATTRIBUTE = "_layanan_batch_depth"


def _batch_open(connection: BaseDatabaseWrapper) -> bool:
    return getattr(connection, _BATCH_ATTRIBUTE, 0) > 0 and connection.in_atomic_block


class _Held:
    """An ``on_commit`` entry standing for one row of :func:`insert_later` (savepoint-aware)."""

    __slots__ = ("fields", "obj", "values", "written")

    def __init__(self, obj: models.Model, fields: list[models.Field[Any, Any]], values: list[Any]) -> None:
        self.obj = obj
        self.fields = fields
        self.values = values
        self.written = False

    def __call__(self) -> None:
        if not self.written:  # the block was left by an exception that the transaction survived
            self.written = True
            insert_new(self.obj)


def insert_later(obj: models.Model) -> None:
    """Insert the new ``obj`` at the end of the current :func:`batched` block, or now.

    For rows nobody reads before the commit. Inside a block the row is written with the block's
    other rows in one statement and ``obj`` gets no primary key from the database (a key it
    carries, such as a UUID, is written as given). A model that has ``pre_save``/``post_save``
    receivers, its own ``save()``, a value that is an expression, or no open block, is saved now
    by :func:`insert_new`.
    """
    model = type(obj)
    using = router.db_for_write(model, instance=obj)
    connection = connections[using]
    listened = pre_save.has_listeners(model) or post_save.has_listeners(model)
    if _saves_plainly(model) and not listened and _batch_open(connection):
        obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]  # as save()
        prepared = _prepared(obj, connection)
        if prepared is not None:
            transaction.on_commit(_Held(obj, *prepared), using=using, robust=True)
            return
    insert_new(obj)


@contextmanager
def batched(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Hold back task rows and :func:`insert_later` rows until the end of the block, then write them
    in one statement (module docstring). Use inside ``transaction.atomic()``; a block inside another
    leaves the writing to the outer one. A block left by an exception writes nothing: the
    transaction rolls back with it, or, if it survives, the held rows and tasks are written after
    its commit."""
    connection = connections[using]
    depth = getattr(connection, _BATCH_ATTRIBUTE, 0)
    setattr(connection, _BATCH_ATTRIBUTE, depth + 1)
    try:
        yield
        if depth == 0:
            _write_held(connection)
    finally:
        setattr(connection, _BATCH_ATTRIBUTE, depth)


def _write_held(connection: BaseDatabaseWrapper) -> None:
    """Write the rows and task rows held by this transaction (those not rolled back with a savepoint)."""
    held: list[_Held] = []
    pending: list[tuple[_Pending, models.Model]] = []
    for on_commit in connection.run_on_commit:
        callback = on_commit[1]  # (savepoint ids, callback, robust)
        if isinstance(callback, _Held) and not callback.written:
            held.append(callback)
        elif isinstance(callback, _Pending) and callback.held and not callback.sent:
            row = callback.task.get_backend().task_row(callback.task, list(callback.args), {})  # type: ignore[attr-defined]
            prepared = _prepared(row, connection)
            if prepared is None:
                raise ValueError(f"the task row of {callback.task.module_path} cannot be written in a batch")
            held.append(_Held(row, *prepared))
            pending.append((callback, row))
    if not held:
        return
    groups: dict[tuple[type[models.Model], tuple[str, ...]], list[_Held]] = {}
    for one in held:
        groups.setdefault((type(one.obj), tuple(f.attname for f in one.fields)), []).append(one)
    statements = [_many_insert(connection, entries) for entries in groups.values()]
    with transaction.mark_for_rollback_on_error(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *first, last = statements
            ahead = ", ".join(f"w{n} AS ({query})" for n, (query, _p) in enumerate(first))
            sql = f"WITH {ahead} {last[0]}"  # the statements of _many_insert  # nosec B608
            cursor.execute(sql, [param for _query, params in statements for param in params])
        else:
            for query, params in statements:
                cursor.execute(query, params)
    for one in held:
        one.written = True
        one.obj._state.db = connection.alias
    for callback, row in pending:
        callback.sent = True
        row._state.adding = False
        task_enqueued.send(type(callback.task.get_backend()), task_result=row.task_result)  # type: ignore[attr-defined]


def _many_insert(connection: BaseDatabaseWrapper, entries: list[_Held]) -> tuple[str, list[Any]]:
    """One multi-row INSERT of rows of one model and one column set; no RETURNING."""
    meta = entries[0].obj._meta
    ops = connection.ops
    # Names from the models' _meta, quoted; every value is a parameter.
    table = ops.quote_name(meta.db_table)
    columns = ", ".join(ops.quote_name(str(field.column)) for field in entries[0].fields)
    row = "(" + ", ".join(["%s"] * len(entries[0].fields)) + ")"
    rows = ", ".join([row] * len(entries))
    query = f"INSERT INTO {table} ({columns}) VALUES {rows}"  # noqa: S608  # nosec B608
    return query, [value for entry in entries for value in entry.values]
