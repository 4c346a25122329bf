"""The questionnaire (no sign-in: the token is the key), its thank-you page, and the SKM report.

Thin: parse, call a service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from layanan.accounts.permissions import require
from layanan.agencies.models import Office
from layanan.core.views import harden_file_response
from layanan.survey import selectors
from layanan.survey.export import skm_report_xlsx
from layanan.survey.forms import PROFILE_LABELS, QuestionnaireForm, ReportFilterForm
from layanan.survey.models import Invitation
from layanan.survey.services import AlreadyAnswered, Expired, SurveyError, invitation_state, response_submit
from layanan.survey.unsur import UNSUR


def _invitation(token: str) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("service", "office"), token=token)


def _closed(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    return render(request, "survey/closed.html", {"invitation": invitation}, status=410)


@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation(token)
    state = invitation_state(invitation)
    if state == "answered":
        return redirect("survey:thanks", token=token)
    if state == "expired":
        return _closed(request, invitation)
    form = QuestionnaireForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            response_submit(
                token=token,
                scores=form.scores(),
                suggestion=form.cleaned_data.get("suggestion") or "",
                profile=form.profile(),
                platform_ease=form.platform_ease(),
            )
        except AlreadyAnswered:
            return redirect("survey:thanks", token=token)
        except Expired:
            return _closed(request, invitation)
        except SurveyError as error:
            form.add_error(None, str(error))
        else:
            return redirect("survey:thanks", token=token)
    return render(request, "survey/questionnaire.html", {"form": form, "invitation": invitation})


@never_cache
@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation(token)
    if invitation.answered_at is None:
        return redirect("survey:questionnaire", token=token)
    return render(request, "survey/thanks.html", {"invitation": invitation})


def _report_form(request: HttpRequest) -> ReportFilterForm:
    offices = selectors.offices_for_report(actor=request.user)
    data: dict[str, Any] = request.GET.dict()
    data.setdefault("year", str(timezone.localdate().year))
    own = getattr(request.user, "office", None)
    if "office" not in data and isinstance(own, Office) and offices.filter(pk=own.pk).exists():
        data["office"] = own.code  # staff start on their own office; office= (empty) gives the summary
    form = ReportFilterForm(data, offices=offices)
    if not form.is_valid() and "office" in form.errors:
        raise PermissionDenied("survey.report.read")
    return form


@never_cache
@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """The published SKM report of one office and period, or the offices' summary to choose one."""
    require(request.user, "survey.report.read")
    form = _report_form(request)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        start, end = form.bounds()
        office = form.cleaned_data.get("office")
        context.update(start=start, end=end)
        if office is not None:
            found = selectors.skm_report(actor=request.user, office=office, start=start, end=end)
            profile_tables = [(PROFILE_LABELS[name], counts) for name, counts in found.profile.items()]
            context.update(report=found, rows=_unsur_rows(found), profile_tables=profile_tables)
        else:
            figures = selectors.ikm_by_office_for_report(actor=request.user, start=start, end=end)
            names = Office.objects.in_bulk(list(figures))
            context["summary"] = sorted(
                ((names[pk], value) for pk, value in figures.items() if pk in names), key=lambda p: p[0].name
            )
    return render(request, "survey/report.html", context)


def _unsur_rows(found: selectors.SkmReport) -> list[dict[str, Any]]:
    result = found.result
    return [
        {
            "unsur": unsur,
            "total": result.totals[index],
            "nrr": result.nrr_display[index] if result.respondents else None,
            "weighted": result.nrr_weighted_display[index] if result.respondents else None,
            "lowest": result.lowest_unsur == unsur.number,
        }
        for index, unsur in enumerate(UNSUR)
    ]


@never_cache
@login_required
@require_GET
def report_xlsx(request: HttpRequest) -> HttpResponse:
    require(request.user, "survey.report.read")
    form = _report_form(request)
    office = form.cleaned_data.get("office") if form.is_valid() else None
    if office is None:
        return redirect("survey:report")
    start, end = form.bounds()
    found = selectors.skm_report(actor=request.user, office=office, start=start, end=end)
    response = HttpResponse(
        skm_report_xlsx(found),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="skm-{office.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    )
    return harden_file_response(response)  # nosniff, sandboxed, never cached
