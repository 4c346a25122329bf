"""Reading visits, always for the actor: the operator who opened a visit, within their reach."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can, require, scope
from layanan.assisted.models import Visit


def _visits(actor: User) -> QuerySet[Visit]:
    """The visits the actor may open: an operator their own (within reach), an administrator any."""
    require(actor, "assisted.serve")
    found = scope(actor, Visit.objects.all(), via="office")
    if actor.role != Role.ADMIN:
        found = found.filter(operator=actor)
    return found.select_related("citizen", "office", "operator", "application")


def visit_get(*, actor: User, public_id: uuid.UUID) -> Visit:
    """One visit; another operator's, or one out of reach, is refused (PermissionDenied)."""
    visit = (
        Visit.objects.select_related("citizen", "office", "operator", "application")
        .filter(public_id=public_id)
        .first()
    )
    if visit is None:
        raise Http404
    if not _visits(actor).filter(pk=visit.pk).exists() or not can(actor, "assisted.serve", visit):
        raise PermissionDenied("assisted.visit")
    return visit


def visit_of_application(*, actor: User, public_id: uuid.UUID) -> Visit:
    """The visit an application was started in (for its receipt), for the actor as :func:`visit_get`."""
    visit = (
        Visit.objects.select_related(
            "citizen", "office", "operator", "application__service", "application__office"
        )
        .filter(application__public_id=public_id)
        .first()
    )
    if visit is None:
        raise Http404
    return visit_get(actor=actor, public_id=visit.public_id)


def visits_today(*, actor: User) -> list[Visit]:
    """The actor's visits of the last 12 hours, newest first (the operator's list on the home page)."""
    since = timezone.now() - timedelta(hours=12)
    return list(_visits(actor).filter(created_at__gte=since).select_related("application__service")[:20])
