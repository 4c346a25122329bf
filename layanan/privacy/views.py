"""Pages of the privacy app: a citizen's own data and requests; the data-protection officer's queue."""

from __future__ import annotations

import io
import json
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from layanan.accounts.models import User
from layanan.privacy import retention, selectors, services
from layanan.privacy.access import is_data_subject, may_handle_requests, may_read_requests
from layanan.privacy.forms import ConsentForm, RequestForm, StepForm
from layanan.privacy.models import RequestStatus, RetentionRun
from layanan.servicepoints.selectors import subscriptions_of

RUNS_SHOWN = 60


def _citizen(request: HttpRequest) -> User:
    user = request.user
    if not is_data_subject(user):
        raise PermissionDenied
    assert isinstance(user, User)
    return user


@never_cache
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    citizen = _citizen(request)
    context = {
        "citizen": citizen,
        "masked": selectors.masked_identity(citizen),
        "counts": selectors.data_counts(subject=citizen),
        "subscriptions": list(subscriptions_of(citizen)),
        "consents": selectors.consents(citizen),
        "requests": list(selectors.requests_of(citizen=citizen)[:20]),
        "accesses": selectors.access_log(subject=citizen, limit=50),
        "retention": retention.effective_rules(),
    }
    return render(request, "privacy/my_data.html", context)


@never_cache
@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """A ZIP of ``data.json`` (everything held about the person) and ``README.txt`` (its fields)."""
    citizen = _citizen(request)
    services.export_record(citizen=citizen, request=request)
    data = selectors.subject_data(subject=citizen)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        archive.writestr("README.txt", render_to_string("privacy/export_readme.txt", {"data": data}))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="data-saya-{stamp}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    citizen = _citizen(request)
    initial = {"kind": request.GET.get("jenis", "correction")}
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        record = services.request_submit(
            citizen=citizen,
            kind=form.cleaned_data["kind"],
            items=form.cleaned_data["items"],
            details=form.cleaned_data["details"],
            request=request,
        )
        messages.success(
            request,
            _("Permohonan %(reference)s diterima. Kami menjawab paling lambat 3 x 24 jam.")
            % {"reference": record.reference},
        )
        return redirect("privacy:my_data")
    context = {"form": form, "retention": retention.effective_rules()}
    return render(request, "privacy/request_new.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    citizen = _citizen(request)
    current = selectors.consents(citizen)
    form = ConsentForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = services.consents_update(user=citizen, answers=dict(form.cleaned_data), request=request)
        if changed:
            messages.success(request, _("Pilihan persetujuan Anda disimpan dan langsung berlaku."))
        return redirect("privacy:my_data")
    history = list(selectors.consent_history(citizen)[:30])
    context = {
        "form": form,
        "history": history,
        "messages_stopped": selectors.optional_messages_stopped(citizen),
    }
    return render(request, "privacy/consent.html", context)


# --- the data-protection officer ----------------------------------------------------------------------


@never_cache
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    if not may_read_requests(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "open")
    if status not in ("open", "all", *RequestStatus.values):
        status = "open"
    rows = list(selectors.request_queue(actor=request.user, status=status)[:200])
    context = {
        "rows": rows,
        "status": status,
        "statuses": [("open", _("Terbuka")), *RequestStatus.choices, ("all", _("Semua"))],
        "now": timezone.now(),
        "may_handle": may_handle_requests(request.user),
    }
    return render(request, "privacy/request_list.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    if not may_read_requests(request.user):
        raise PermissionDenied
    record = selectors.request_for_staff(actor=request.user, public_id=str(public_id))
    if record is None:
        raise Http404
    form = StepForm(request.POST or None)
    if request.method == "POST":
        if not may_handle_requests(request.user):
            raise PermissionDenied
        assert isinstance(request.user, User)
        if form.is_valid():
            try:
                services.request_step(
                    record=record,
                    actor=request.user,
                    step=form.cleaned_data["step"],
                    answer=form.cleaned_data["answer"],
                    request=request,
                )
            except services.PrivacyError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Permohonan %(reference)s diperbarui.") % {"reference": record.reference}
                )
                return redirect("privacy:request_detail", public_id=record.public_id)
    context = {
        "record": record,
        "form": form,
        "steps": services.TRANSITIONS.get(record.status, {}),
        "may_handle": may_handle_requests(request.user),
        "retention": retention.effective_rules(),
    }
    return render(request, "privacy/request_detail.html", context)


@never_cache
@login_required
def retention_runs(request: HttpRequest) -> HttpResponse:
    if not may_read_requests(request.user):
        raise PermissionDenied
    rules = retention.effective_rules()
    labels = {entry.key: entry.rule.label for entry in rules}
    runs = [
        (run, [(labels.get(key, key), count) for key, count in sorted(run.counts.items())])
        for run in RetentionRun.objects.order_by("-started_at", "-pk")[:RUNS_SHOWN]
    ]
    context = {"runs": runs, "rules": rules}
    return render(request, "privacy/retention_runs.html", context)
