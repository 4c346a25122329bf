"""The case engine: one transition table type and one step runner for every kind of case.

An application and a report are both *cases*: a row with a ``status`` and a
``version``, a timeline of events, and a set of *parties* (the applicant, the
verifier, the coordinator...) who may take some steps in some statuses. Each
case app declares only what is its own — its statuses, parties, actions and
targets — as a :class:`Workflow`; this module does the rest the same way for
both:

- :meth:`Workflow.allowed_actions` and :meth:`Workflow.transition_for` answer
  "may this actor take this step now?" from the one table;
- :meth:`Workflow.step` takes a step, in one transaction and always in this
  order: lock the row, refuse an actor with no part in the case
  (``PermissionDenied``), check the version the actor saw
  (:class:`ConcurrentChange`), check the rule (:class:`TransitionNotAllowed`),
  run the step's own checks (``before``), the conditional update of status and
  version, the step's own rows (``after``), the timeline event, the audit row,
  the webhook event (:meth:`publish`) and the notification (saved in the same transaction,
  sent after commit);
- :meth:`Workflow.record` writes an event and its audit row for a step that
  changes no status (an internal note), with the same checks;
- :meth:`Workflow.escalate` marks a case past its deadline once and tells the
  people who must act.

A practice case (``Case.practice``, made in practice mode) takes the same steps, but
:meth:`Workflow.tell` sends it nothing and no deadline of it is escalated.

The party is checked before the version, so a stranger learns nothing from a
stale version; the version before the rule, so an officer whose page is stale
is told to reload rather than that the step is not allowed.

The engine writes audit rows and saves notices, so it sits above ``audit`` and
``notifications`` in its own package rather than in ``core``
(``docs/decisions/0006-the-case-engine.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.functional import Promise

from layanan.audit.services import audit_record
from layanan.core.writes import insert_new
from layanan.notifications.services import notify
from layanan.webhooks.outbox import webhook_event_record


class CaseError(Exception):
    """A refusal with a plain Indonesian message for the person (``str(error)``)."""


class TransitionNotAllowed(CaseError):
    """The workflow table has no such step from the current status for this actor."""


class ConcurrentChange(CaseError):
    """Someone else changed the case first; reload and try again."""


@dataclass(frozen=True)
class Transition:
    """One row of a workflow table: ``action`` from ``from_status`` leads to ``to_status``.

    ``otherwise`` is the alternative target of a step whose target depends on the case
    (the workflow's ``target`` function chooses).
    """

    from_status: str
    action: str
    to_status: str
    parties: frozenset[str]
    description: str
    otherwise: str | None = None


Values = Mapping[str, Any]
Changes = Values | Callable[[Any, datetime], Values]


class Workflow:
    """A case type: subclass it once per case app, set the class attributes, override the hooks.

    Class attributes:

    - ``model``: the case model (``status``, ``version``, ``tracking_number``, and
      ``breach_notified_at`` for :meth:`escalate`; ``updated_at`` is kept when it has one);
    - ``events``: the timeline model, with a foreign key to ``model``;
    - ``rows``: the transition table; ``words``: what each action is called in a sentence;
    - ``status_refused`` / ``party_refused`` / ``concurrent``: the refusals, lazily translated and
      %-formatted with ``status`` and ``action``;
    - ``related``: what :meth:`fresh` joins; ``masked``: attributes a selector may have blanked
      on the caller's instance, which :meth:`sync` leaves blank.

    Derived: ``name`` (the model's name: ``application``, ``report``) names the permission
    codes and the notification events (``<name>.<event>``); ``audit_prefix`` (the app label)
    the audit actions (``<app>.<action>``).

    Hooks: :meth:`parties_of` (required), :meth:`target`, :meth:`details`, :meth:`recipient`,
    :meth:`event_actor`, :meth:`audit_actor`.
    """

    model: type[models.Model]
    events: type[models.Model]
    rows: Sequence[Transition]
    words: Mapping[str, Promise]
    status_refused: Promise
    party_refused: Promise
    concurrent: Promise
    related: tuple[str, ...] = ()
    masked: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.name = self.model._meta.model_name or ""
        self.audit_prefix = self.model._meta.app_label
        self.stamps_updated_at = any(f.name == "updated_at" for f in self.model._meta.concrete_fields)
        self.event_case_field = next(
            field.name
            for field in self.events._meta.get_fields()
            if field.many_to_one and field.related_model is self.model
        )
        self.table = {(row.from_status, row.action): row for row in self.rows}
        if len(self.table) != len(self.rows):
            raise ValueError(f"workflow {self.name!r} has two rows for one (status, action)")
        self.actions = frozenset(row.action for row in self.rows)
        unnamed = self.actions - set(self.words)
        if unnamed:
            raise ValueError(f"workflow {self.name!r} has no words for {sorted(unnamed)}")

    # --- what each case type says -----------------------------------------------------------------

    def parties_of(self, actor: Any, case: Any) -> frozenset[str]:
        """The parties ``actor`` is for ``case`` (``None`` is the system)."""
        raise NotImplementedError

    def target(self, transition: Transition, case: Any, outcome: object = None) -> str:
        """The status a step leads to; a row with an ``otherwise`` needs the case type's rule.

        ``outcome`` is what the step's ``before`` check returned.
        """
        if transition.otherwise is not None:
            raise AssertionError(f"no rule for the alternative target of {transition.action!r}")
        return transition.to_status

    def details(self, case: Any) -> dict[str, Any]:
        """What every audit row of the case says: what happened, never personal data."""
        return {}

    def recipient(self, case: Any) -> Any:
        """The person told about the case's events (None: nobody)."""
        return None

    def event_actor(self, actor: Any, case: Any) -> Any:
        """Who a timeline event names."""
        return actor

    def audit_actor(self, actor: Any, case: Any) -> Any:
        """Who an audit row names."""
        return actor

    # --- reading the table ------------------------------------------------------------------------

    def allowed_actions(self, actor: Any, case: Any) -> frozenset[str]:
        """The actions ``actor`` may take on ``case`` now (each step still checks)."""
        mine = self.parties_of(actor, case)
        return frozenset(
            row.action for row in self.rows if row.from_status == case.status and row.parties & mine
        )

    def transition_for(self, actor: Any, case: Any, action: str) -> Transition:
        """The row for ``action`` from the case's status, if ``actor`` may take it.

        Raises ``PermissionDenied`` when the actor has no part in the case at all, and
        :class:`TransitionNotAllowed` when the status does not allow the step, or not for
        the actor's part.
        """
        if action not in self.actions:
            raise ValueError(f"unknown workflow action {action!r} for a {self.name}")
        mine = self._parties_or_refuse(actor, case, action)
        return self._rule(case, action, mine)

    def _parties_or_refuse(self, actor: Any, case: Any, action: str) -> frozenset[str]:
        mine = self.parties_of(actor, case)
        if not mine:
            raise PermissionDenied(f"{self.name}.{action}")
        return mine

    def _rule(self, case: Any, action: str, mine: frozenset[str]) -> Transition:
        row = self.table.get((case.status, action))
        words = self.words[action]
        if row is None:
            status = self.model._meta.get_field("status")
            label = dict(status.flatchoices).get(case.status, case.status)  # type: ignore[union-attr]
            raise TransitionNotAllowed(self.status_refused % {"status": label, "action": words})
        if not row.parties & mine:
            raise TransitionNotAllowed(self.party_refused % {"action": words})
        return row

    # --- the row ------------------------------------------------------------------------------------

    def fresh(self, case: Any, *, lock: bool = False) -> Any:
        """The case as the database has it now (locked for the transaction when ``lock``)."""
        rows = self.model._default_manager.all()
        if lock:
            rows = rows.select_for_update(of=("self",))
        return rows.select_related(*self.related).get(pk=case.pk)

    def sync(self, stale: Any, fresh: Any) -> None:
        """Bring the caller's instance up to date, so it does not keep showing the old state."""
        if stale is fresh:
            return
        for model_field in self.model._meta.concrete_fields:
            name = model_field.attname
            if name in self.masked and getattr(stale, name) is None:
                continue
            setattr(stale, name, getattr(fresh, name))

    def _stale(self) -> ConcurrentChange:
        return ConcurrentChange(str(self.concurrent))

    # --- taking a step -----------------------------------------------------------------------------

    def step(
        self,
        case: Any,
        action: str,
        actor: Any,
        expected_version: int | None,
        /,
        *,
        message: str | Callable[[Any], str],
        changes: Changes | None = None,
        before: Callable[[Any, datetime], object] | None = None,
        after: Callable[[Any, datetime], None] | None = None,
        internal: bool = False,
        notify: str | Callable[[Any], str | None] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> Any:
        """``actor`` takes ``action`` on ``case`` (the module docstring says in which order).

        Returns the fresh case; the caller's ``case`` is brought up to date too.

        ``expected_version`` is the version the actor saw (None: the reporter's own steps and
        the system, which act on what is there). ``before(fresh, now)`` checks what the table
        cannot and may write rows; what it returns is the ``outcome`` the workflow's ``target``
        chooses by. ``changes`` (or ``changes(fresh, now)``) are written with the new status by
        one conditional update. ``after(fresh, now)`` writes rows that need the updated case.
        ``message`` (or ``message(fresh)``) is the timeline text; ``notify`` (or
        ``notify(fresh)``) the event to tell the person about.
        """
        with transaction.atomic():
            fresh = self.fresh(case, lock=True)
            mine = self._parties_or_refuse(actor, fresh, action)
            if expected_version is not None and fresh.version != expected_version:
                raise self._stale()
            transition = self._rule(fresh, action, mine)
            now = timezone.now()
            outcome = before(fresh, now) if before is not None else None
            from_status = fresh.status
            to_status = self.target(transition, fresh, outcome)
            values: dict[str, Any] = {"status": to_status}
            if self.stamps_updated_at:
                values["updated_at"] = now
            if changes is not None:
                values.update(changes(fresh, now) if callable(changes) else changes)
            updated = self.model._default_manager.filter(
                pk=fresh.pk, version=fresh.version, status=from_status
            ).update(version=F("version") + 1, **values)
            if updated != 1:
                raise self._stale()
            fresh.version += 1
            computed = [name for name, value in values.items() if isinstance(value, Combinable)]
            for name, value in values.items():
                if name not in computed:
                    setattr(fresh, name, value)
            if computed:
                fresh.refresh_from_db(fields=computed)
            if after is not None:
                after(fresh, now)
            words = message if isinstance(message, str) else message(fresh)
            self.event(
                fresh, action, actor, words, internal=internal, from_status=from_status, to_status=to_status
            )
            self.audit(
                fresh,
                actor=actor,
                action=action,
                from_status=from_status,
                to_status=to_status,
                **(details or {}),
            )
            self.publish(fresh, action, from_status=from_status, to_status=to_status)
            event = notify(fresh) if callable(notify) else notify
            if event:
                self.tell(fresh, event)
        self.sync(case, fresh)
        return fresh

    def record(self, case: Any, action: str, actor: Any, message: str, /, *, internal: bool = False) -> Any:
        """An event beside the status (a note), if the table allows ``actor`` to take ``action`` now.

        The event and its audit row, inside the caller's transaction when there is one.
        Returns the fresh case.
        """
        with transaction.atomic():
            fresh = self.fresh(case)
            self.transition_for(actor, fresh, action)
            self.event(fresh, action, actor, message, internal=internal)
            self.audit(fresh, actor=actor, action=action)
        return fresh

    def event(
        self,
        case: Any,
        action: str,
        actor: Any,
        message: str,
        /,
        *,
        internal: bool = False,
        from_status: str | None = None,
        to_status: str | None = None,
    ) -> models.Model:
        """One timeline event (naming the actor as the case type lets events name them).

        The statuses default to the case's own: an event beside the table (a reviewed item,
        an issued letter). A case's first event says ``from_status=""``.
        """
        event = self.events(
            **{self.event_case_field: case},
            actor=self.event_actor(actor, case),
            action=action,
            from_status=case.status if from_status is None else from_status,
            to_status=case.status if to_status is None else to_status,
            message=message,
            internal=internal,
        )
        insert_new(event)  # as create(), with post_save, the INSERT prebuilt: an event is on every step
        return event

    def audit(self, case: Any, *, actor: Any, action: str, **details: Any) -> None:
        """The audit row of ``action`` (``<prefix>.<action>``), with the workflow's details."""
        audit_record(
            actor=self.audit_actor(actor, case),
            action=f"{self.audit_prefix}.{action}",
            obj=case,
            details={**self.details(case), **details},
        )

    def publish(self, case: Any, action: str, /, *, from_status: str, to_status: str) -> None:
        """Save the webhook event of a step for its subscribers, in the step's transaction.

        Called by :meth:`step`; a case made without a step (a filed report) calls it itself.
        No statement when nobody subscribes to the event, none for a practice case
        (``docs/webhooks.md``).
        """
        webhook_event_record(
            case, kind=self.name, action=action, from_status=from_status, to_status=to_status
        )

    def tell(self, case: Any, event: str, *, once_per: str = "") -> None:
        """Tell the case's person about ``event`` (``<name>.<event>``), once per version of the case.

        ``once_per`` replaces the version in the key when something else makes the event new
        (a replacement letter: the document). Called inside the step's transaction: the message
        is saved with the step and sent after commit (``notify()`` is idempotent on the key).
        """
        to = self.recipient(case)
        if to is not None:
            self._send(case, to, event, f"{self.name}:{case.pk}:{event}:{once_per or f'v{case.version}'}")

    def _send(self, case: Any, to: Any, event: str, key: str) -> None:
        if getattr(case, "practice", False):
            return  # a practice case tells nobody: no SMS, WhatsApp or email (docs/practice-mode.md)
        notify(
            to=to,
            event=f"{self.name}.{event}",
            data={"tracking_number": case.tracking_number or ""},
            key=key,
        )

    # --- the clock ---------------------------------------------------------------------------------

    def escalate(
        self,
        case_id: int,
        *,
        overdue: models.Q,
        message: Callable[[Any], str],
        recipients: Callable[[Any], Iterable[Any]],
        details: Callable[[Any], Mapping[str, Any]] = lambda case: {},
    ) -> bool:
        """Mark one case past its deadline as escalated, once; tell ``recipients`` in the transaction.

        The case is claimed by a conditional update of ``breach_notified_at`` (still empty and
        still ``overdue``), so two sweeps at once escalate it once. Each recipient is sent
        ``<name>.escalated`` with a key unique to this escalation and recipient.
        """
        now = timezone.now()
        with transaction.atomic():
            claimed = (
                self.model._default_manager.filter(
                    pk=case_id, breach_notified_at__isnull=True, practice=False
                )
                .filter(overdue)
                .update(breach_notified_at=now)
            )
            if claimed != 1:
                return False  # another run got there first, or it moved on meanwhile
            case: Any = self.model._default_manager.select_related(*self.related).get(pk=case_id)
            self.event(case, "escalate", None, message(case), internal=True)
            self.audit(case, actor=None, action="escalate", status=case.status, **details(case))
            marker = int(now.timestamp())
            for recipient in recipients(case):
                self._send(
                    case, recipient, "escalated", f"{self.name}:{case_id}:escalated:{marker}:u{recipient.pk}"
                )
        return True

    def escalate_all(self, overdue: models.Q, *, escalate_one: Callable[[int], bool], batch: int) -> int:
        """Escalate every case matching ``overdue`` not escalated yet (at most ``batch``); how many."""
        ids = (
            self.model._default_manager.filter(overdue, breach_notified_at__isnull=True, practice=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return sum(1 for case_id in list(ids[:batch]) if escalate_one(case_id))
