from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from layanan.audit.forms import AuditFilterForm
from layanan.audit.models import AuditEvent
from layanan.audit.selectors import audit_event_list, audit_events_shown, audit_object_history, may_read_audit

PAGE_SIZE = 50


def _page(events: QuerySet[AuditEvent], query: QueryDict) -> dict[str, Any]:
    """One page of events (keyset pagination: ``before`` is the last id shown)."""
    rows = list(events[: PAGE_SIZE + 1])
    older = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        params = query.copy()
        params["before"] = str(rows[-1].id)
        older = params.urlencode()
    newest = query.copy()
    newest.pop("before", None)
    return {
        "events": audit_events_shown(rows),
        "older_query": older,
        "newest_query": newest.urlencode() if "before" in query else None,
    }


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not may_read_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    if form.is_valid():
        events = audit_event_list(actor=request.user, **form.selector_filters())
    else:
        events = AuditEvent.objects.none()
    filtering = any(value for key, value in request.GET.items() if key != "before")
    context = {"form": form, "filtering": filtering, **_page(events, request.GET)}
    return render(request, "audit/event_list.html", context)


@login_required
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    if not may_read_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm({"before": request.GET.get("before", "")})
    if not form.is_valid():
        return HttpResponseBadRequest(_("Halaman yang diminta tidak dikenal."))
    before = form.cleaned_data.get("before")
    events = audit_object_history(
        actor=request.user, object_type=object_type, object_id=object_id, before_id=before
    )
    context = {"object_type": object_type, "object_id": object_id, **_page(events, request.GET)}
    return render(request, "audit/object_history.html", context)
