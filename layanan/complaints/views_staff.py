"""The staff's pages for reports: the verification desk, the agency queue, one report, its actions.

Thin: parse the request, ask a selector or call a service, render or redirect.

The parties are the workflow's (:class:`layanan.complaints.workflow.Party`):

- The coordinator (the verifying administrator, role ``admin``) works the
  desk: received and postponed reports on the verify clock. Only they may open
  the reporter's identity, one POST at a time, each audited by
  ``reporter_identity_view``.
- A handler (staff of an office the report is disposed to) works it from
  their office's queue: notes, start, a public answer with evidence photos,
  re-disposition. The handler's page never carries the reporter's identity,
  not even the name.
- A leader or auditor is no party: they read (never act).

Every state change is posted to :func:`act` with the ``Report.version`` the
officer saw, so a colleague's change made meanwhile is reported instead of
overwritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from layanan.accounts.models import OFFICE_ROLES, Role, User
from layanan.accounts.permissions import can
from layanan.agencies.models import Office
from layanan.calendars.due import NO_DUE, Due, due_of
from layanan.complaints import panels, presentation, selectors, services, workflow
from layanan.complaints.models import Report, ReportPhoto, ReportVoice, Status
from layanan.complaints.photos import photo_response
from layanan.complaints.routing import route
from layanan.complaints.workflow import Party
from layanan.core import staff_views
from layanan.core.audio import VOICE_CONTENT_TYPE
from layanan.core.tags import tags_by_status
from layanan.core.views import file_response

PAGE_ACTIONS = frozenset(
    {
        "verify",
        "dispose",
        "postpone",
        "not_authority",
        "archive",
        "duplicate",
        "note",
        "start",
        "answer",
        "redispose",
        "identity",
    }
)
DESK_STATUSES = frozenset({Status.RECEIVED, Status.POSTPONED})
STATUS_TAGS = tags_by_status(
    grey=(Status.NOT_AUTHORITY, Status.ARCHIVED),
    yellow=(Status.POSTPONED, Status.IN_PROGRESS),
    green=(Status.ANSWERED, Status.CLOSED),
)
BUCKET_LABELS = {
    "new": gettext_lazy("Disposisi baru"),
    "in_progress": gettext_lazy("Sedang ditindaklanjuti"),
    "answered": gettext_lazy("Sudah dijawab"),
    "overdue": gettext_lazy("Lewat batas waktu"),
    "closed": gettext_lazy("Selesai"),
}


# --- who is asking -------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active or user.role == Role.CITIZEN:
        raise PermissionDenied
    return user


def _active_offices(report: Report) -> list[Office]:
    return [
        disposition.office
        for disposition in report.dispositions.filter(is_active=True).select_related("office__region__parent")
    ]


def _party(actor: User, report: Report) -> Party | None:
    """The party ``actor`` is on the staff pages of this report; ``None`` for one who only reads.

    The coordinator; a handler, staff of an office the report is or was disposed to (what
    they may still do is the workflow's to say); or ``None``, a leader or auditor. Anyone
    else is refused.
    """
    if not can(actor, "report.read", report):
        raise PermissionDenied
    if can(actor, "report.verify", report):
        return Party.COORDINATOR
    if actor.role in OFFICE_ROLES:
        if actor.office_id is not None and report.dispositions.filter(office_id=actor.office_id).exists():
            return Party.HANDLER
        raise PermissionDenied
    if actor.role in (Role.LEADER, Role.AUDITOR):
        return None
    raise PermissionDenied


def _get(actor: User, public_id: uuid.UUID) -> tuple[Report, Party | None]:
    report = selectors.report_get(actor=actor, public_id=public_id)
    return report, _party(actor, report)


# --- the clock -----------------------------------------------------------------------------------


def _report_due(report: Report, now: datetime) -> Due:
    if report.status == Status.POSTPONED:
        return Due(at=None, text=_("ditunda, batas waktu berhenti"), late=False)
    if report.status == Status.RECEIVED:
        return due_of(report.verify_due_at, now)
    if report.status in (Status.VERIFIED, Status.DISPOSED, Status.IN_PROGRESS):
        return due_of(report.followup_due_at, now)
    return NO_DUE


# --- the verification desk -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    report: Report
    due: Due
    tag: str


@login_required
@never_cache
def desk(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if actor.role != Role.ADMIN:
        raise PermissionDenied
    now = timezone.now()
    reports = list(selectors.verification_queue(actor=actor))
    rows = [_row(report, now) for report in reports]
    context = {
        "rows": rows,
        "received": sum(1 for row in rows if row.report.status == Status.RECEIVED),
        "postponed": sum(1 for row in rows if row.report.status == Status.POSTPONED),
        "breached": sum(1 for report in reports if selectors.is_breached(report, now)),
    }
    return render(request, "complaints/staff/desk.html", context)


# --- the agency queue ----------------------------------------------------------------------------


def _row(report: Report, now: datetime) -> Row:
    return Row(
        report=report,
        due=_report_due(report, now),
        tag=STATUS_TAGS.get(report.status, ""),
    )


@login_required
@never_cache
def queue(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    code = request.GET.get("kantor", "").strip()
    office: Office | None
    if actor.role in OFFICE_ROLES and actor.office is not None:
        office = actor.office
        if code and code != office.code:
            raise PermissionDenied
    elif actor.role in (Role.LEADER, Role.ADMIN):
        if not code:
            offices = Office.objects.filter(is_active=True).order_by("kind", "name")
            if actor.office_id is not None:
                offices = offices.filter(pk=actor.office_id)
            return render(request, "complaints/staff/choose_office.html", {"offices": offices})
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise Http404
        if actor.office_id is not None and office.pk != actor.office_id:
            raise PermissionDenied
    else:
        raise PermissionDenied
    bucket = staff_views.queue_bucket(request, selectors.QUEUE_BUCKETS)
    result = selectors.agency_queue(actor=actor, office=office, bucket=bucket)
    now = timezone.now()
    return staff_views.queue_render(
        request,
        "complaints/staff/queue.html",
        office=office,
        buckets=selectors.QUEUE_BUCKETS,
        labels=BUCKET_LABELS,
        bucket=bucket,
        counts=result.counts,
        rows=[_row(item, now) for item in result.items],
        read_only=actor.office_id != office.pk or actor.role not in OFFICE_ROLES,
    )


# --- one report ----------------------------------------------------------------------------------


@dataclass
class Posted(staff_views.Posted):
    """What the officer posted, and the offices ticked."""

    offices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Identity:
    """What the coordinator sees after asking: the reporter of a report that is not anonymous."""

    name: str = ""
    phone: str = ""


def _allowed(party: Party | None, report: Report, actor: User) -> frozenset[str]:
    """The page's actions the workflow table offers now (the services still check each one)."""
    if party is None:
        return frozenset()
    offered = set(workflow.WORKFLOW.allowed_actions(actor, report))
    if party == Party.COORDINATOR:
        offered.add("identity")
        if "archive" in offered:
            offered.add("duplicate")
    return frozenset(offered & PAGE_ACTIONS)


@login_required
@never_cache
def report_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    try:
        report, party = _get(actor, public_id)
    except PermissionDenied:
        raise Http404 from None  # staff outside the report: as for a report that does not exist
    return _render(request, actor, report, party)


def _render(
    request: HttpRequest,
    actor: User,
    report: Report,
    party: Party | None,
    *,
    problems: list[staff_views.Problem] | None = None,
    posted: Posted | None = None,
    identity: Identity | None = None,
    status: int = 200,
) -> HttpResponse:
    problems = problems or []
    posted = posted or Posted()
    allowed = _allowed(party, report, actor)
    offices = list(
        Office.objects.filter(is_active=True).select_related("region", "region__parent").order_by("name")
    )
    routed: Office | None = None
    if party == Party.COORDINATOR and "verify" in allowed:
        routed = route(category=report.category, region=report.region)
    active = _active_offices(report)
    photos = list(report.photos.order_by("uploaded_at", "pk"))
    voice = selectors.report_voice(report) if party is not None else None
    verifying, redisposing = posted.action == "verify", posted.action == "redispose"
    verify_office = posted.values.get("office", "") if verifying else (routed.code if routed else "")
    context = {
        "report": report,
        "party": party,
        "is_coordinator": party == Party.COORDINATOR,
        "status_tag": STATUS_TAGS.get(report.status, ""),
        "due": _report_due(report, timezone.now()),
        "point": presentation.point_of(report),
        "photos": [photo for photo in photos if not photo.is_evidence],
        "evidence": [photo for photo in photos if photo.is_evidence],
        "voice": voice,
        "routed": routed,
        "active_offices": active,
        "redispose_from": [(office.code, presentation.office_label(office)) for office in active],
        "active_labels": [presentation.office_label(office) for office in active],
        "dispositions": [
            (disposition, presentation.office_label(disposition.office))
            for disposition in report.dispositions.select_related("office__region__parent").order_by(
                "created_at", "pk"
            )
        ],
        "verify_office_groups": presentation.office_groups(offices, selected={verify_office}),
        "verify_extra_groups": presentation.office_groups(
            offices, selected=set(posted.offices) if verifying else set()
        ),
        "dispose_groups": presentation.office_groups(offices),
        "redispose_groups": presentation.office_groups(
            offices,
            selected={posted.values.get("office", "")} if redisposing else set(),
            exclude={office.pk for office in active},
        ),
        "allowed": allowed,
        "has_actions": bool(allowed - {"identity", "note"}),  # the note has its own section
        "history": presentation.history(selectors.report_timeline(actor=actor, report=report)),
        "identity": identity,
        "panels": panels.report_panels(
            report=report, actor=actor, audience="coordinator" if party == Party.COORDINATOR else "staff"
        ),
        **staff_views.form_state(problems, posted),
    }
    return render(request, "complaints/staff/report.html", context, status=status)


# --- actions -------------------------------------------------------------------------------------


def _text(request: HttpRequest, name: str) -> str:
    return staff_views.posted_text(request, name, clip=staff_views.REASON_MAX)


def _required(request: HttpRequest, name: str, target: str, message: str) -> str:
    return staff_views.required_text(
        request, name, target=target, message=message, clip=staff_views.REASON_MAX
    )


def _office(code: str) -> Office | None:
    return Office.objects.filter(code=code, is_active=True).first() if code else None


def _do_verify(request: HttpRequest, actor: User, report: Report) -> str:
    office = _office(request.POST.get("office", ""))
    if office is None:
        raise staff_views.Invalid.one(_("Pilih instansi yang menindaklanjuti laporan ini."), "verify-office")
    extras = [
        found
        for code in request.POST.getlist("extra")
        if (found := _office(code)) is not None and found.pk != office.pk
    ]
    instruction = _text(request, "instruction")
    with transaction.atomic():  # the extra offices too, or nothing
        report = services.report_verify(
            report=report,
            actor=actor,
            expected_version=staff_views.posted_version(request),
            office=office,
            instruction=instruction,
        )
        if extras:
            services.report_dispose(
                report=report,
                actor=actor,
                expected_version=report.version,
                offices=extras,
                instruction=instruction,
            )
    names = ", ".join(item.name for item in [office, *extras])
    return _("Laporan diverifikasi dan diteruskan ke %(offices)s.") % {"offices": names}


def _do_dispose(request: HttpRequest, actor: User, report: Report) -> str:
    offices = [found for code in request.POST.getlist("extra") if (found := _office(code)) is not None]
    if not offices:
        raise staff_views.Invalid.one(_("Pilih paling sedikit satu instansi."), "dispose-offices")
    services.report_dispose(
        report=report,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        offices=offices,
        instruction=_text(request, "instruction"),
    )
    return _("Laporan diteruskan ke %(offices)s.") % {"offices": ", ".join(o.name for o in offices)}


def _do_postpone(request: HttpRequest, actor: User, report: Report) -> str:
    reason = _required(
        request, "reason", "postpone-reason", _("Tulis alasan penundaan, misalnya keterangan yang kurang.")
    )
    services.report_postpone(
        report=report, actor=actor, expected_version=staff_views.posted_version(request), reason=reason
    )
    return _("Laporan ditunda.")


def _do_not_authority(request: HttpRequest, actor: User, report: Report) -> str:
    problems = staff_views.Problems()
    reason, redirect_to = _text(request, "reason"), _text(request, "redirect_to")[:240]
    problems.check(
        bool(reason), _("Tulis alasan laporan ini bukan kewenangan pemerintah kabupaten."), "na-reason"
    )
    problems.check(
        bool(redirect_to), _("Tulis ke mana pelapor sebaiknya menyampaikan laporannya."), "na-redirect"
    )
    problems.raise_any()
    services.report_not_authority(
        report=report,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        reason=reason,
        redirect_to=redirect_to,
    )
    return _("Laporan ditandai bukan kewenangan.")


def _original(request: HttpRequest, report: Report, target: str) -> Report:
    number = _text(request, "duplicate_of").upper()
    original = (
        Report.objects.real().filter(tracking_number=number).exclude(pk=report.pk).first() if number else None
    )
    if original is None:
        raise staff_views.Invalid.one(_("Tulis nomor laporan asli yang terdaftar."), target)
    return original


def _do_archive(request: HttpRequest, actor: User, report: Report) -> str:
    grounds = request.POST.get("grounds", "")
    if grounds not in ("spam", "duplicate"):
        raise staff_views.Invalid.one(_("Pilih: spam, atau sama dengan laporan lain."), "archive-grounds")
    original = _original(request, report, "archive-duplicate") if grounds == "duplicate" else None
    reason = _text(request, "reason") or (_("Spam") if grounds == "spam" else _("Laporan ganda"))
    services.report_archive(
        report=report,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        reason=reason,
        duplicate_of=original,
    )
    return _("Laporan diarsipkan.")


def _do_duplicate(request: HttpRequest, actor: User, report: Report) -> str:
    original = _original(request, report, "duplicate-of")
    services.report_archive(
        report=report,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        reason=_text(request, "reason") or _("Laporan ganda"),
        duplicate_of=original,
    )
    return _("Laporan ditandai sama dengan %(number)s; pendukungnya dipindahkan.") % {
        "number": original.tracking_number
    }


def _do_note(request: HttpRequest, actor: User, report: Report) -> str:
    services.report_note(
        report=report, actor=actor, text=_required(request, "text", "note-text", _("Tulis isi catatan."))
    )
    return _("Catatan internal disimpan.")


def _do_start(request: HttpRequest, actor: User, report: Report) -> str:
    services.report_start(report=report, actor=actor, expected_version=staff_views.posted_version(request))
    return _("Laporan sedang ditindaklanjuti.")


def _do_answer(request: HttpRequest, actor: User, report: Report) -> str:
    answer = _required(
        request, "answer", "answer-text", _("Tulis jawaban: apa yang sudah dilakukan dan hasilnya.")
    )
    services.report_answer(
        report=report,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        answer=answer,
        evidence=request.FILES.getlist("evidence")[:5],
    )
    return _("Jawaban dikirim kepada pelapor.")


def _do_redispose(request: HttpRequest, actor: User, report: Report) -> str:
    problems = staff_views.Problems()
    active = {office.code: office for office in _active_offices(report)}
    if actor.office is not None and actor.office.code in active:
        from_office: Office | None = actor.office  # an office hands its own disposition on
    else:
        from_office = active.get(request.POST.get("from_office", ""))
        problems.check(from_office is not None, _("Pilih instansi asal disposisi."), "redispose-from")
    to_office = _office(request.POST.get("office", ""))
    problems.check(
        to_office is not None and to_office.code not in active,
        _("Pilih instansi tujuan."),
        "redispose-office",
    )
    reason = _text(request, "reason")
    problems.check(bool(reason), _("Tulis alasan laporan ini dialihkan."), "redispose-reason")
    problems.raise_any()
    assert to_office is not None
    assert from_office is not None
    services.report_redispose(
        report=report,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        from_office=from_office,
        to_office=to_office,
        reason=reason,
    )
    return _("Laporan dialihkan ke %(office)s.") % {"office": to_office.name}


ACTIONS: dict[str, Callable[[HttpRequest, User, Report], str]] = {
    "verify": _do_verify,
    "dispose": _do_dispose,
    "postpone": _do_postpone,
    "not_authority": _do_not_authority,
    "archive": _do_archive,
    "duplicate": _do_duplicate,
    "note": _do_note,
    "start": _do_start,
    "answer": _do_answer,
    "redispose": _do_redispose,
}
# Where the coordinator goes after the action: the report has left their hands.
LEAVES = {"verify", "archive", "not_authority", "postpone", "duplicate"}


@login_required
@require_POST
@never_cache
def act(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    actor = _actor(request)
    report, party = _get(actor, public_id)
    if action == "identity":
        if party != Party.COORDINATOR or report.anonymous:
            raise PermissionDenied  # an anonymous reporter has no identity to open, not even audited
        reporter = services.reporter_identity_view(report=report, actor=actor)
        identity = Identity(
            name=reporter.full_name if reporter else "", phone=reporter.phone if reporter else ""
        )
        return _render(request, actor, report, party, identity=identity)
    if action not in ACTIONS:
        raise Http404
    if action not in _allowed(party, report, actor):
        raise PermissionDenied
    posted = Posted(
        action=action, values=staff_views.posted_values(request), offices=request.POST.getlist("extra")
    )
    try:
        message = ACTIONS[action](request, actor, report)
    except staff_views.Invalid as invalid:
        return _render(request, actor, report, party, problems=invalid.problems, posted=posted, status=400)
    except services.ConcurrentChange as error:
        fresh, party = _get(actor, public_id)
        return _render(
            request, actor, fresh, party, problems=[staff_views.Problem(str(error), "status")], status=409
        )
    except services.ReportError as error:
        fresh, party = _get(actor, public_id)
        problems = [staff_views.Problem(str(error), "actions")]
        return _render(request, actor, fresh, party, problems=problems, posted=posted, status=400)
    messages.success(request, message)
    if party == Party.COORDINATOR and action in LEAVES:
        return redirect("complaints:desk")
    if party == Party.HANDLER and action == "redispose":
        return redirect("complaints:queue")  # it has left this office
    return redirect("complaints:staff_report", public_id=report.public_id)


# --- photos --------------------------------------------------------------------------------------


def _may_see_photo(user: object, photo: ReportPhoto) -> bool:
    """A published photo of a report on the public list: anyone. Else the reporter, and whoever may open the
    report's staff page (the administrator, its offices' staff, a leader or auditor reading)."""
    report = photo.report
    if selectors.photo_is_public(photo):
        return True
    if not isinstance(user, User) or not user.is_active:
        return False
    if report.reporter_id == user.pk:
        return True
    if user.role == Role.CITIZEN:
        return False
    try:
        _party(user, report)
    except PermissionDenied:
        return False
    return True


def photo(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    """A report's photo for whoever may see it. "Missing" and "not yours" answer alike: a visitor
    is sent to sign in, someone signed in gets 404, so photo ids cannot be probed."""
    found = ReportPhoto.objects.select_related("report").filter(pk=photo_id).first()
    if found is None or not _may_see_photo(request.user, found):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    return photo_response(request, found, private=True)


# --- the voice note ------------------------------------------------------------------------------


def _may_hear_voice(user: object, report: Report) -> tuple[bool, bool]:
    """(may hear, is staff): the reporter, and the parties working the report (the coordinator and
    the staff of an office it is or was disposed to). A leader or auditor reads the report but does
    not hear who spoke; no one else does, and nothing of it is ever public."""
    if not isinstance(user, User) or not user.is_active:
        return False, False
    if report.reporter_id == user.pk:
        return True, False
    if user.role == Role.CITIZEN:
        return False, False
    try:
        party = _party(user, report)
    except PermissionDenied:
        return False, False
    return party is not None, True


def voice(request: HttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    """A report's voice note (Ogg Opus) for whoever may hear it, each staff play audited.

    "Missing" and "not yours" answer alike: a visitor is sent to sign in, someone signed in gets 404.
    """
    found = (
        ReportVoice.objects.select_related("report", "report__category")
        .filter(report__public_id=public_id)
        .first()
    )
    allowed, staff = _may_hear_voice(request.user, found.report) if found is not None else (False, False)
    if found is None or not allowed:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    response = file_response(found.file, content_type=VOICE_CONTENT_TYPE, filename="pesan-suara.ogg")
    if staff:  # after the file opened: a play that cannot happen is not audited
        assert isinstance(request.user, User)
        services.report_voice_play(report=found.report, actor=request.user)
    return response
