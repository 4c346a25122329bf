"""Tools for a personal-data breach (``docs/breach-response.md``): scope it, end sessions, tell people.

Used by the management commands ``privacy_breach_scope``, ``privacy_sessions_revoke`` and
``privacy_breach_notify``. Nothing here prints or logs a name, number or NIK: people are ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q

from layanan.accounts.models import Role, User
from layanan.applications.models import Application
from layanan.audit.models import AuditEvent
from layanan.audit.services import audit_record
from layanan.complaints.models import Report
from layanan.notifications.services import notify


@dataclass
class Scope:
    events: int = 0
    by_action: Counter[str] = field(default_factory=Counter)
    by_actor: Counter[str] = field(default_factory=Counter)
    citizen_ids: set[int] = field(default_factory=set)


def breach_scope(*, since: datetime, until: datetime, actor_id: int | None = None, action: str = "") -> Scope:
    """The audit events in ``[since, until)`` (optionally of one actor or action) and the citizens
    whose account or cases they touched: whom Pasal 46 says to notify."""
    events = AuditEvent.objects.filter(occurred_at__gte=since, occurred_at__lt=until)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(Q(action=action) | Q(action__startswith=f"{action}."))
    scope = Scope()
    user_ids: set[int] = set()
    application_ids: set[int] = set()
    report_ids: set[int] = set()
    for row in events.values("action", "actor_id", "actor_role", "object_type", "object_id").iterator():
        scope.events += 1
        scope.by_action[row["action"]] += 1
        scope.by_actor[f"#{row['actor_id'] or '-'} {row['actor_role'] or 'sistem'}"] += 1
        if not row["object_id"].isdigit():
            continue
        object_id = int(row["object_id"])
        if row["object_type"] == "accounts.user":
            user_ids.add(object_id)
        elif row["object_type"] == "applications.application":
            application_ids.add(object_id)
        elif row["object_type"] == "complaints.report":
            report_ids.add(object_id)
    user_ids |= set(Application.objects.filter(pk__in=application_ids).values_list("applicant_id", flat=True))
    user_ids |= set(
        Report.objects.filter(pk__in=report_ids, reporter__isnull=False).values_list("reporter_id", flat=True)
    )
    scope.citizen_ids = set(
        User.objects.filter(pk__in=user_ids, role=Role.CITIZEN).values_list("pk", flat=True)
    )
    return scope


def sessions_revoke(*, user_ids: Iterable[int] | None) -> int:
    """End the database sessions of ``user_ids`` (None: everyone's); audited. How many ended.

    With sessions in the cache (``REDIS_URL``) they cannot be listed: rotate ``SECRET_KEY`` to end
    them all (``docs/breach-response.md``).
    """
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        raise RuntimeError("sessions are not in the database: rotate SECRET_KEY to end them all")
    wanted = None if user_ids is None else {str(uid) for uid in user_ids}
    doomed = [
        session.pk
        for session in Session.objects.all().iterator()
        if wanted is None or str(session.get_decoded().get("_auth_user_id", "")) in wanted
    ]
    with transaction.atomic():
        ended = Session.objects.filter(pk__in=doomed).delete()[0]
        audit_record(
            actor=None,
            action="privacy.sessions.revoke",
            details={"sessions": ended, "users": "all" if wanted is None else len(wanted)},
        )
    return ended


def breach_notify(*, incident: str, user_ids: Iterable[int], link: str) -> int:
    """Send the breach notice (Pasal 46(1)) to each active citizen, once per incident; how many."""
    sent = 0
    with transaction.atomic():
        for user in User.objects.filter(pk__in=list(user_ids), role=Role.CITIZEN, is_active=True).order_by(
            "pk"
        ):
            message = notify(
                to=user,
                event="privacy.breach_notice",
                data={"tracking_number": incident, "link": link},
                key=f"privacy:breach:{incident}:u{user.pk}",
            )
            if message is not None:
                sent += 1
        audit_record(actor=None, action="privacy.breach.notify", details={"incident": incident, "sent": sent})
    return sent
