"""Every URL of the platform, who may open it, and whether it is an HTML page.

The permission-matrix test resolves every named URL pattern and fails when
one has no row here, so a new page cannot ship without saying who may see it.
The page-budget browser test visits every ``page=True`` row as each persona
whose expected status is 200.

``expect`` maps a persona name (``anonymous`` or a name from
``layanan.testing.Cast.all()``) to the status of a GET. ``302`` means
"sent to sign in" for anonymous users. Rows may give ``kwargs`` (a function
of the cast returning URL kwargs) for patterns with parameters. An anonymous
``302`` is checked to lead to the sign-in page unless ``extra["anonymous_redirect"]``
names another target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("anonymous", "siti", "budi", "andi", "rini", "bupati", "auditor", "admin", "sekar")
EVERYONE_200 = dict.fromkeys(PERSONAS, 200)
AUDIT_READERS_ONLY = {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "auditor": 200, "admin": 200}


@dataclass(frozen=True)
class Row:
    name: str  # "namespace:url_name"
    expect: dict[str, int]
    page: bool = True  # an HTML page for people (checked for weight and accessibility)
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _on_citizen_draft(extra: dict[str, Any]) -> Callable[[Any], dict[str, Any]]:
    """URL kwargs for one of Siti's draft's pages (``citizen_draft`` is defined below)."""
    return lambda cast: {"public_id": citizen_draft(cast).public_id, **extra}


MATRIX: list[Row] = [
    Row("core:home", EVERYONE_200),
    Row("core:privacy", EVERYONE_200),
    Row("core:glossary", EVERYONE_200, notes="Every abbreviation of the texts, explained (core/terms.py)."),
    Row("core:photo_help", EVERYONE_200, notes="How to photograph a document; linked from every upload."),
    Row(
        "core:practice",
        EVERYONE_200,
        notes="Practice mode for workshops: one button, kept in the session (docs/practice-mode.md).",
    ),
    Row(
        "set_language",
        dict.fromkeys(PERSONAS, 302),
        page=False,
        notes="Django's language switch: a GET only redirects back (to / here), a POST sets the cookie.",
        extra={"anonymous_redirect": "/"},
    ),
    Row("core:healthz", EVERYONE_200, page=False, notes="Bare liveness: {'status': 'ok'} and nothing more."),
    Row(
        "core:healthz_detail",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 401, "admin": 200},
        page=False,
        notes="Worker and queue figures: a bearer HEALTHZ_TOKEN (monitoring) or the admin site's users.",
    ),
    Row(
        "core:readyz",
        EVERYONE_200,
        page=False,
        notes="Readiness: database, cache, storage (and a worker when READYZ_REQUIRE_WORKER), ok/error each.",
    ),
    Row(
        "core:metrics",
        dict.fromkeys(PERSONAS, 404),
        page=False,
        notes="Prometheus only: METRICS_ALLOWED_IPS (none in tests) or a bearer METRICS_TOKEN; signed in or "
        "not, anyone else gets 404 (layanan/core/tests/test_observability_metrics.py).",
    ),
    Row(
        "offline:service_worker",
        EVERYONE_200,
        page=False,
        notes="The service worker script (docs/offline.md): the same for everyone, no personal data.",
    ),
    Row("offline:manifest", EVERYONE_200, page=False, notes="The web app manifest."),
    Row("offline:page", EVERYONE_200, notes="The offline page the service worker keeps."),
    Row("offline:outbox", EVERYONE_200, notes="The outbox shell; its items live on the phone."),
    Row("accounts:login", EVERYONE_200),
    Row("accounts:logout", dict.fromkeys(PERSONAS, 405), page=False, notes="Sign-out is POST only."),
    Row(
        "accounts:register",
        {**dict.fromkeys(PERSONAS, 302), "anonymous": 200},
        notes="Signed-in people are sent to their profile.",
    ),
    Row("accounts:profile", {**EVERYONE_200, "anonymous": 302}),
    Row(
        "accounts:code",
        dict.fromkeys(PERSONAS, 302),
        notes="Only with a code step under way in the session (tests/browser journeys); else to sign-in.",
        extra={"anonymous_redirect": "/akun/masuk/"},
    ),
    Row("accounts:sign_in_code", EVERYONE_200),
    Row("accounts:password_reset", EVERYONE_200),
    Row("accounts:phone_change", {**EVERYONE_200, "anonymous": 302}),
    Row("accounts:email_change", {**EVERYONE_200, "anonymous": 302}),
    Row(
        "accounts:prove_phone",
        dict.fromkeys(PERSONAS, 302),
        notes="Every persona's phone is proven: sent to the profile. Unproven accounts: accounts tests.",
    ),
    Row(
        "accounts:change_name",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        notes="POST only, one's own name; tested in layanan/accounts/tests/test_profile.py.",
    ),
    Row("accounts:change_password", {**EVERYONE_200, "anonymous": 302}),
    Row("accounts:sessions", {**EVERYONE_200, "anonymous": 302}, notes="One's own sessions only."),
    Row("api-pages:tokens", {**EVERYONE_200, "anonymous": 302}, notes="One's own API tokens only."),
    Row(
        "api-pages:token_revoke",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: {"token_id": 1},
        notes="POST only; another person's token answers 404 (layanan/api/tests/test_token_pages.py).",
    ),
    Row(
        "accounts:session_end",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: {"record_id": 1},
        notes="POST only; another person's session answers 404 (layanan/accounts/tests/test_sessions.py).",
    ),
    Row(
        "accounts:sessions_end_others",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        notes="POST only: sign out of every other device.",
    ),
    Row(
        "identity:claims",
        {
            **dict.fromkeys(PERSONAS, 403),
            "anonymous": 302,
            "budi": 200,
            "andi": 200,
            "rini": 200,
            "admin": 200,
        },
        notes="Verify a NIK claim at the counter: officers, operators and admins (who find people by NIK).",
    ),
    Row(
        "identity:claim_verify",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: {"claim_id": 1},
        notes="POST only; who may verify (and who is refused): layanan/identity/tests/test_views.py.",
    ),
    Row(
        "identity:disputes",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "budi": 200, "sekar": 200, "admin": 200},
        notes="Disputed NIK claims: the Disdukcapil office (IDENTITY_OFFICE_CODE) and administrators.",
    ),
    Row(
        "identity:dispute_resolve",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: {"dispute_id": 1},
        notes="POST only; who may settle (and who is refused): layanan/identity/tests/test_views.py.",
    ),
    Row(
        "accounts:verify",
        dict.fromkeys(PERSONAS, 302),
        notes="Anonymous: to sign-in. Citizens need no code and sign_in() has passed the step for staff, "
        "so everyone is sent on; the page itself is tested in layanan/accounts/tests/test_second_factor.py.",
    ),
    Row(
        "accounts:setup_2fa",
        {**EVERYONE_200, "anonymous": 302, "siti": 403},
        notes="Staff (verified) may replace their authenticator; citizens have none.",
    ),
    Row("audit:event_list", AUDIT_READERS_ONLY, notes="can(actor, 'audit.read'): auditor and admin."),
    Row(
        "audit:object_history",
        AUDIT_READERS_ONLY,
        kwargs=lambda cast: {"object_type": "accounts.user", "object_id": str(cast.siti.pk)},
    ),
    Row(
        "applications:queue",
        {**dict.fromkeys(PERSONAS, 200), "anonymous": 302, "siti": 403, "auditor": 403},
        notes="Office staff see their office's queue; the leader and the administrator (no office) first "
        "choose an office and then only read. Citizens and the auditor are refused.",
    ),
    Row(
        "applications:work",
        {
            **dict.fromkeys(PERSONAS, 403),
            "anonymous": 302,
            "budi": 200,
            "sekar": 200,
            "bupati": 200,
            "admin": 200,
        },
        kwargs=lambda cast: {"public_id": staff_application(cast).public_id},
        notes="A Disdukcapil application: its staff work on it, the leader and the administrator read it; "
        "the applicant follows it on her own page, not this one.",
    ),
    Row(
        "applications:act",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: {"public_id": staff_application(cast).public_id, "action": "claim"},
        notes="POST only; who may take which action: layanan/applications/tests/test_views_staff.py.",
    ),
    *[
        Row(
            f"applications:{name}",
            {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "siti": 200},
            kwargs=_on_citizen_draft(extra),
            notes="Siti's draft: only the applicant (or the operator who started it) opens these pages; "
            "staff who may read it (Budi, the leader, the administrator) work on it on their own pages.",
        )
        for name, extra in (
            ("detail", {}),
            ("step", {"step": 1}),
            ("requirements", {}),
            ("review", {}),
            ("withdraw", {}),
        )
    ],
    Row(
        "applications:done",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "siti": 200},
        kwargs=lambda cast: {"public_id": citizen_submitted(cast).public_id},
    ),
    Row(
        "applications:start",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "siti": 200, "rini": 302},
        kwargs=lambda cast: {"slug": citizen_service(cast).slug},
        notes="can(actor, 'application.apply'): citizens for themselves; operators are sent to the "
        "assisted service (assisted:home), which records the citizen's consent first.",
    ),
    Row(
        "assisted:home",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "rini": 200, "admin": 200},
        notes="assisted.serve: operators (and administrators) serve walk-in citizens; search by NIK is POST.",
    ),
    Row(
        "assisted:visit",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "rini": 200, "admin": 200},
        kwargs=lambda cast: {"public_id": assisted_visit(cast).public_id},
        notes="Only the operator who opened the visit (and administrators).",
    ),
    Row(
        "assisted:consent_form",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "rini": 200, "admin": 200},
        kwargs=lambda cast: {"public_id": assisted_visit(cast).public_id},
        notes="The paper consent form to print, for the visit's operator.",
    ),
    Row(
        "assisted:receipt",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "rini": 200, "admin": 200},
        kwargs=lambda cast: {"public_id": assisted_submitted(cast).public_id},
        notes="The printable receipt (A6, ?kertas=58 thermal) of an application the operator submitted.",
    ),
    Row(
        "assisted:kiosk",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        notes="POST only: switches kiosk mode on the operator's session.",
    ),
    Row(
        "assisted:kiosk_here",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        notes="POST only: 'Saya masih di sini' renews the kiosk's idle clock.",
    ),
    Row(
        "applications:mine",
        {**EVERYONE_200, "anonymous": 302},
        notes="Everyone signed in sees their own applications (staff: usually none).",
    ),
    Row(
        "applications:attachment",
        {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "siti": 200, "budi": 200, "sekar": 200},
        page=False,
        kwargs=lambda cast: {"attachment_id": citizen_submitted(cast).attachments.get().pk},
        notes="The applicant and the staff handling the application (Disdukcapil's verifier and signer); "
        "anyone else gets 404, as for a file that does not exist.",
    ),
    Row(
        "applications:preview",
        {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "budi": 200, "sekar": 200},
        page=False,
        kwargs=lambda cast: {"attachment_id": citizen_submitted(cast).attachments.get().pk},
        notes="A file opened from the officer's work page (a photo inline, a PDF as a download): the staff "
        "handling the application; the applicant opens hers with applications:attachment; anyone else 404.",
    ),
    Row(
        "applications:lookup", EVERYONE_200, notes="Public; the lookup itself is a POST (no digits in URLs)."
    ),
]


def staff_application(cast: Any) -> Any:
    """An application in verification at Disdukcapil, held by Budi, with a requirement and a note."""
    from datetime import timedelta

    from django.utils import timezone

    from layanan.applications.models import Application, RequirementCheck, Status, TimelineEvent
    from layanan.catalogue.models import FormField, Requirement, Service

    service = Service.objects.create(
        slug="matriks-petugas",
        name="Surat Keterangan Pindah",
        summary="Untuk pindah domisili.",
        handler=Service.Handler.FIXED_OFFICE,
        office=cast.world.disdukcapil,
        sla_working_days=3,
        output=Service.Output.SIAK,
    )
    FormField.objects.create(service=service, step=1, name="alamat_tujuan", label="Alamat tujuan")
    requirement = Requirement.objects.create(service=service, order=1, code="kk", name="Kartu Keluarga")
    now = timezone.now()
    application = Application.objects.create(
        service=service,
        applicant=cast.siti,
        office=cast.world.disdukcapil,
        status=Status.VERIFYING,
        tracking_number="P-MATRX-PTGS1",
        assigned_to=cast.budi,
        submitted_at=now,
        due_at=now + timedelta(days=3),
        answers_sealed='{"alamat_tujuan": "Jl. Merdeka 1"}',
    )
    RequirementCheck.objects.create(
        application=application, requirement=requirement, provision=RequirementCheck.Provision.PAPER
    )
    TimelineEvent.objects.create(
        application=application,
        actor=cast.budi,
        action="note",
        message="Berkas asli menyusul.",
        internal=True,
    )
    return application


def _servicepoints(name: str) -> Callable[[Any], dict[str, Any]]:
    """A URL-kwargs builder of layanan/servicepoints/tests/builders.py (imported when the row is visited)."""
    return getattr(__import__("layanan.servicepoints.tests.builders", fromlist=[name]), name)


def _aspirations(name: str) -> Callable[[Any], dict[str, Any]]:
    """A URL-kwargs builder of layanan/aspirations/tests/builders.py (imported when the row is visited)."""
    return getattr(__import__("layanan.aspirations.tests.builders", fromlist=[name]), name)


def _opendata(name: str) -> Callable[[Any], dict[str, Any]]:
    """A URL-kwargs builder of layanan/opendata/tests/builders.py (imported when the row is visited)."""
    return getattr(__import__("layanan.opendata.tests.builders", fromlist=[name]), name)


def _catalogue_slug(cast: Any) -> dict[str, Any]:
    from layanan.catalogue.testing import seeded_service

    return {"slug": seeded_service().slug}


MATRIX += [
    Row("catalogue:list", EVERYONE_200, notes="The public catalogue and its search."),
    Row(
        "catalogue:detail",
        EVERYONE_200,
        kwargs=_catalogue_slug,
        notes="A service's published standar pelayanan (the seeded akta kelahiran, the longest page).",
    ),
]


def _verifiable_document(cast: Any) -> dict[str, Any]:
    from layanan.documents.tests.verify_builders import document_row

    return {"code": document_row(cast).public_code}


MATRIX += [
    Row("documents:index", EVERYONE_200, notes="Public document check: type a code or drop the PDF."),
    Row(
        "documents:check",
        EVERYONE_200,
        kwargs=_verifiable_document,
        notes="Public: the QR code on every letter links here; shows the state and the masked holder.",
    ),
    Row(
        "documents:public_key",
        EVERYONE_200,
        page=False,
        notes="The platform's public QR key (PEM), for offline checks.",
    ),
    Row(
        "documents:download",
        {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "siti": 200, "budi": 200, "sekar": 200},
        page=False,
        kwargs=_verifiable_document,
        notes="can(actor, 'document.download'): Siti's letter from Disdukcapil, for her and the staff of "
        "the issuing office; anyone else 404 (as an unknown code); "
        "details in layanan/documents/tests/test_delivery.py.",
    ),
    Row(
        "letterhead:edit",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "rini": 200, "admin": 200},
        kwargs=lambda cast: {"code": cast.world.desa_tanjung_raja.code},
        notes="can(actor, 'office.letterhead.write'): Tanjung Raja's letterhead, for its operator (Rini) "
        "and administrators; details in layanan/documents/tests/test_letterhead_page.py.",
    ),
]


def office_letter(cast: Any) -> Any:
    """A letter Disdukcapil issued (signed by Sekar) for Siti's completed application."""
    from django.utils import timezone

    from layanan.applications.models import Application, IssuedLetter, Status
    from layanan.documents.tests.verify_builders import document_row, letter_service

    document = document_row(cast)
    now = timezone.now()
    application = Application.objects.create(
        service=letter_service(cast),
        applicant=cast.siti,
        office=cast.world.disdukcapil,
        status=Status.COMPLETED,
        tracking_number=f"P-MATRX-SRT{document.pk:02d}",
        submitted_at=now,
        decided_at=now,
        answers_sealed="{}",
    )
    IssuedLetter.objects.create(application=application, document=document)
    return document


def letter_awaiting_signature(cast: Any) -> Any:
    """Siti's Disdukcapil letter application, approved and waiting for Sekar's signature."""
    from django.utils import timezone

    from layanan.applications.models import Application, Status
    from layanan.documents.models import LetterTemplate
    from layanan.documents.tests.verify_builders import letter_service

    service = letter_service(cast)
    LetterTemplate.objects.get_or_create(
        service=service,
        defaults={"classification_code": "470", "title": "Surat Keterangan Uji", "body": "Uji."},
    )
    now = timezone.now()
    return Application.objects.create(
        service=service,
        applicant=cast.siti,
        office=cast.world.disdukcapil,
        status=Status.SIGNING,
        tracking_number="P-MATRX-PRTJ1",
        submitted_at=now,
        answers_sealed="{}",
    )


OFFICE_LETTER_SIGNER_ONLY = {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "sekar": 200}

MATRIX += [
    Row(
        "applications:letters",
        {
            **dict.fromkeys(PERSONAS, 403),
            "anonymous": 302,
            "budi": 200,
            "andi": 200,
            "rini": 200,
            "sekar": 200,
        },
        notes="The letters the actor's own office issued: its officers, operators and signer; leaders, "
        "auditors and the administrator (no office; the admin has its own pages) are refused.",
    ),
    Row(
        "applications:letter_revoke",
        OFFICE_LETTER_SIGNER_ONLY,
        kwargs=lambda cast: {"code": office_letter(cast).public_code},
        notes="can(actor, 'document.revoke') on the staff page: only the issuing office's signer (Sekar).",
    ),
    Row(
        "applications:letter_replace",
        OFFICE_LETTER_SIGNER_ONLY,
        kwargs=lambda cast: {"code": office_letter(cast).public_code},
        notes="can(actor, 'document.issue'): only the issuing office's signer, who signs the new letter.",
    ),
    Row(
        "applications:letter_preview",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "budi": 200, "sekar": 200},
        page=False,
        kwargs=lambda cast: {"public_id": letter_awaiting_signature(cast).public_id},
        notes="The unsigned letter (PDF, inline): staff of the handling office in a role of the service.",
    ),
]


# URL names outside the matrix on purpose (Django's admin has its own
# permission system, tested in layanan/accounts/tests/test_admin_access.py).
# The API's operations are JSON, not pages: each is walked by schemathesis as anonymous and as a
# token holder (layanan/api/tests/test_schema.py), and by persona in layanan/api/tests.
# Open311 answers JSON and XML, not pages: its tests follow the GeoReport v2 specification
# (layanan/api/open311/tests), and tests/test_identity_walk.py reads every Open311 answer.
EXCLUDED_NAMESPACES = ("admin", "api-v1", "open311")


def citizen_service(cast: Any) -> Any:
    """A Disdukcapil service with one step and one upload, for the citizen's pages."""
    from layanan.catalogue.models import FormField, Requirement, Service

    service, created = Service.objects.get_or_create(
        slug="matriks-warga",
        defaults={
            "name": "KTP-el baru",
            "summary": "Untuk warga yang baru berusia 17 tahun.",
            "handler": Service.Handler.FIXED_OFFICE,
            "office": cast.world.disdukcapil,
            "sla_working_days": 14,
            "output": Service.Output.SIAK,
        },
    )
    if created:
        FormField.objects.create(
            service=service, step=1, step_title="Data pemohon", name="nama", label="Nama"
        )
        Requirement.objects.create(
            service=service, code="foto-kk", name="Foto KK", kind=Requirement.Kind.UPLOAD
        )
    return service


def assisted_visit(cast: Any) -> Any:
    """Rini's visit with a walk-in villager of Tanjung Raja, consent not yet given."""
    from layanan.assisted import services
    from layanan.identity.testing import make_nik

    citizen, _created = services.citizen_register(
        actor=cast.rini,
        full_name="Pak Matriks",
        phone="",
        nik=make_nik(region="180304", serial="9301"),
        home_region=cast.world.tanjung_raja_desa,
    )
    return services.visit_open(actor=cast.rini, citizen=citizen)


def assisted_submitted(cast: Any) -> Any:
    """An application Rini submitted for that villager (consent on paper), through the real services."""
    import io
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from layanan.applications import services as applications
    from layanan.applications.tests import builders
    from layanan.assisted import services

    visit = assisted_visit(cast)
    if visit.application is not None:
        return visit.application
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, format="PNG")
    scan = SimpleUploadedFile("persetujuan.png", buffer.getvalue(), content_type="image/png")
    services.consent_paper_record(visit=visit, actor=cast.rini, upload=scan)
    application = services.visit_application_start(
        visit=visit, actor=cast.rini, service=builders.village_letter()
    )
    for step, answers in builders.ANSWERS.items():
        applications.application_save_step(
            application=application, actor=cast.rini, step=step, answers=answers
        )
    for requirement in application.service.requirements.all():
        applications.requirement_provide(
            application=application, actor=cast.rini, requirement=requirement, provision="paper"
        )
    return applications.application_submit(application=application, actor=cast.rini, submit_key=uuid.uuid4())


def citizen_draft(cast: Any) -> Any:
    """Siti's draft, started through the real service."""
    from layanan.applications import services

    return services.application_start(service=citizen_service(cast), applicant=cast.siti, actor=cast.siti)


def citizen_submitted(cast: Any) -> Any:
    """Siti's submitted application with one uploaded photo, through the real services."""
    import io
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from layanan.applications import services

    application = citizen_draft(cast)
    services.application_save_step(application=application, actor=cast.siti, step=1, answers={"nama": "Siti"})
    photo = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 30)).save(photo, "JPEG")
    services.requirement_provide(
        application=application,
        actor=cast.siti,
        requirement=application.service.requirements.get(),
        provision="upload",
        upload=SimpleUploadedFile("kk.jpg", photo.getvalue(), content_type="image/jpeg"),
    )
    return services.application_submit(application=application, actor=cast.siti, submit_key=uuid.uuid4())


# --- complaints: the reporter's and the public pages (layanan/complaints/views.py) ---------------------


def _siti_report(cast: Any) -> dict[str, Any]:
    from layanan.complaints.tests.citizen_builders import report

    return {"public_id": report(cast).public_id}


def _siti_answered_report(cast: Any) -> dict[str, Any]:
    from layanan.complaints.tests.citizen_builders import answered, report

    return {"public_id": answered(report(cast)).public_id}


def _public_report(cast: Any) -> dict[str, Any]:
    from layanan.complaints.tests.citizen_builders import answered, report

    return {"public_id": answered(report(cast)).public_id}


def _published_photo(cast: Any) -> dict[str, Any]:
    from layanan.complaints.models import ReportPhoto
    from layanan.complaints.tests.citizen_builders import jpeg, photo_upload, report, verified

    found = verified(report(cast, photos=[photo_upload(jpeg())]))
    ReportPhoto.objects.filter(report=found).update(published=True)
    return {"photo_id": found.photos.get().pk}


# Anyone else signed in: 404, as for a report that does not exist ("not yours" answers as "missing").
_REPORTER_ONLY = {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "siti": 200}

MATRIX += [
    Row(
        "complaints:new",
        {**EVERYONE_200, "anonymous": 302},
        notes="Anyone signed in may report (the anonymous choice hides the identity, it needs an account).",
    ),
    Row("complaints:mine", {**EVERYONE_200, "anonymous": 302}, notes="One's own and supported reports."),
    Row(
        "complaints:detail",
        _REPORTER_ONLY,
        kwargs=_siti_answered_report,
        notes="Siti's answered report (with the rating form): only the reporter; staff work on it on "
        "their own pages (views_staff).",
    ),
    Row("complaints:done", _REPORTER_ONLY, kwargs=_siti_report),
    Row(
        "complaints:reopen",
        _REPORTER_ONLY,
        kwargs=_siti_answered_report,
        notes="The reporter reopens an answered report once, with a reason.",
    ),
    *[
        Row(
            f"complaints:{name}",
            {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
            page=False,
            kwargs=_siti_answered_report,
            notes="POST only; who may: layanan/complaints/tests/test_views_citizen.py.",
        )
        for name in ("support", "rate", "confirm")
    ],
    Row(
        "complaints:public_list",
        EVERYONE_200,
        notes="Public: verified, non-confidential reports, no identity.",
    ),
    Row("complaints:public_detail", EVERYONE_200, kwargs=_public_report),
    Row(
        "complaints:public_photo",
        EVERYONE_200,
        page=False,
        kwargs=_published_photo,
        notes="Only a photo an officer published, of a report on the public list.",
    ),
    Row(
        "complaints:track",
        EVERYONE_200,
        notes="Public: the report side of /lacak/ (which hands report numbers to it); a POST, rate-limited.",
    ),
]


# --- complaints: the staff's pages (layanan/complaints/views_staff.py) --------------------------------


def voice_report(cast: Any) -> Any:
    """Siti's report told as a voice note, verified by the administrator and disposed to Disdukcapil."""
    import uuid

    from layanan.complaints import services
    from layanan.complaints.models import Category, Kind
    from layanan.testing.audio import voice_upload

    category, _ = Category.objects.get_or_create(
        slug="matriks-petugas",
        defaults={"name": "Dokumen kependudukan", "default_office": cast.world.disdukcapil},
    )
    report = services.report_submit(
        reporter=cast.siti,
        kind=Kind.COMPLAINT,
        category=category,
        text="",
        region=cast.world.kotabumi_pasar,
        voice=voice_upload(),
        submit_key=uuid.uuid4(),
    )
    return services.report_verify(
        report=report, actor=cast.admin, expected_version=report.version, office=cast.world.disdukcapil
    )


def staff_report(cast: Any) -> Any:
    """Siti's report with a photo, verified by the administrator and disposed to Disdukcapil."""
    import io
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from layanan.complaints import services
    from layanan.complaints.models import Category, Kind

    category, _ = Category.objects.get_or_create(
        slug="matriks-petugas",
        defaults={"name": "Dokumen kependudukan", "default_office": cast.world.disdukcapil},
    )
    photo = io.BytesIO()
    Image.new("RGB", (60, 40), (120, 30, 10)).save(photo, "JPEG")
    report = services.report_submit(
        reporter=cast.siti,
        kind=Kind.COMPLAINT,
        category=category,
        text="Blanko KTP-el habis di kecamatan sejak dua minggu.",
        region=cast.world.kotabumi_pasar,
        photos=[SimpleUploadedFile("foto.jpg", photo.getvalue(), content_type="image/jpeg")],
        submit_key=uuid.uuid4(),
    )
    return services.report_verify(
        report=report, actor=cast.admin, expected_version=report.version, office=cast.world.disdukcapil
    )


MATRIX += [
    Row(
        "complaints:desk",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "admin": 200},
        notes="The verification desk: the verifying administrator (role admin) alone.",
    ),
    Row(
        "complaints:queue",
        {**dict.fromkeys(PERSONAS, 200), "anonymous": 302, "siti": 403, "auditor": 403, "sekar": 403},
        notes="Officers and operators see their office's reports (selectors.agency_queue); the leader and "
        "the administrator first choose an office and then only read. Signers handle no reports.",
    ),
    Row(
        "complaints:staff_report",
        {
            **dict.fromkeys(PERSONAS, 404),  # staff outside the report: as for a report that does not exist
            "anonymous": 302,
            "siti": 403,  # a citizen may open no staff page at all
            "budi": 200,
            "sekar": 200,
            "bupati": 200,
            "auditor": 200,
            "admin": 200,
        },
        kwargs=lambda cast: {"public_id": staff_report(cast).public_id},
        notes="A report disposed to Disdukcapil: its staff, readers (leader, auditor) and the administrator; "
        "the reporter follows it on her own page. No agency page carries the reporter's identity.",
    ),
    Row(
        "complaints:staff_act",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: {"public_id": staff_report(cast).public_id, "action": "note"},
        notes="POST only; who may take which action: layanan/complaints/tests/test_views_staff.py.",
    ),
    Row(
        "complaints:photo",
        {
            **dict.fromkeys(PERSONAS, 404),
            "anonymous": 302,
            "siti": 200,
            "budi": 200,
            "sekar": 200,
            "bupati": 200,
            "auditor": 200,
            "admin": 200,
        },
        page=False,
        kwargs=lambda cast: {"photo_id": staff_report(cast).photos.get().pk},
        notes="The reporter's photo: the reporter and whoever may open the report's staff page; "
        "anyone else signed in gets 404, as for a photo that does not exist.",
    ),
    Row(
        "complaints:voice",
        {
            **dict.fromkeys(PERSONAS, 404),
            "anonymous": 302,
            "siti": 200,
            "budi": 200,
            "sekar": 200,
            "admin": 200,
        },
        page=False,
        kwargs=lambda cast: {"public_id": voice_report(cast).public_id},
        notes="A report's voice note: the reporter, the coordinator and the staff of an office it was "
        "disposed to (each staff play audited); readers (leader, auditor) and anyone else get 404.",
    ),
    Row(
        "notifications:preferences",
        {**EVERYONE_200, "anonymous": 302},
        notes="Anyone signed in chooses their own channels and optional messages.",
    ),
    Row(
        "notifications:message_list",
        AUDIT_READERS_ONLY,
        notes="can(actor, 'message.log.read'): auditor and admin; citizens and officers are refused.",
    ),
    # -- notifications rows --
    Row(
        "inbound:sms",
        dict.fromkeys(PERSONAS, 405),
        page=False,
        notes="The SMS gateway's webhook: POST only, signed (tests in layanan/inbound/tests).",
    ),
    Row(
        "inbound:sms_status",
        dict.fromkeys(PERSONAS, 405),
        page=False,
        notes="The SMS gateway's delivery reports: POST only, signed.",
    ),
    Row(
        "inbound:sms_twilio",
        dict.fromkeys(PERSONAS, 405),
        page=False,
        notes="Twilio's messaging webhook: POST only, X-Twilio-Signature (inbound/tests/test_twilio.py).",
    ),
    Row(
        "inbound:sms_twilio_status",
        dict.fromkeys(PERSONAS, 405),
        page=False,
        notes="Twilio's status callbacks of the SMS we sent: POST only, signed like the messaging webhook.",
    ),
    Row(
        "inbound:whatsapp",
        dict.fromkeys(PERSONAS, 403),
        page=False,
        notes="WhatsApp webhook: a GET without Meta's verify token is refused; POST is signed.",
    ),
    # -- inbound rows --
    Row(
        "integrations:siak_result",
        dict.fromkeys(PERSONAS, 405),
        page=False,
        notes="SIAK's result callback: POST only, HMAC-signed, replay-safe; 404 while SIAK_ENABLED is off "
        "(layanan/integrations/tests/test_siak.py).",
    ),
    Row(
        "integrations:opensid_request",
        dict.fromkeys(PERSONAS, 405),
        page=False,
        kwargs=lambda cast: {"instance_id": 1},
        notes="A village OpenSID's letter request: POST only, HMAC-signed with the instance's secret, "
        "replay-safe; 404 while OPENSID_ENABLED is off (layanan/integrations/tests/test_opensid.py).",
    ),
    # -- integrations rows --
    *[
        Row(
            f"monitoring:{name}",
            {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "bupati": 200, "admin": 200},
            page=page,
            notes="can(actor, 'dashboard.read'): leaders and administrators; everyone else is refused.",
        )
        for name, page in (
            ("overview", True),
            ("live", False),
            ("applications", True),
            ("reports", True),
            ("regions", True),
            ("workload", True),
            ("monthly", True),
            ("monthly_print", True),
        )
    ],
    Row(
        "monitoring:monthly_export",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "bupati": 200, "admin": 200},
        page=False,
        kwargs=lambda cast: {"fmt": "csv"},
        notes="The monthly report as CSV/XLSX, same permission and scoping as the monthly page.",
    ),
    Row(
        "monitoring:export",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "bupati": 200, "admin": 200},
        page=False,
        kwargs=lambda cast: {"table": "layanan", "fmt": "csv"},
        notes="A dashboard table as CSV/XLSX, same scoping as the page.",
    ),
    Row("monitoring:transparency", EVERYONE_200, notes="Public aggregate figures, no sign-in, cached."),
    # -- monitoring rows --
    Row("opendata:list", EVERYONE_200, notes="Public: the open data sets (docs/opendata.md), cached."),
    Row(
        "opendata:detail",
        EVERYONE_200,
        kwargs=lambda cast: _opendata("matrix_published")(cast),
        notes="Public: a data set's metadata, columns and first rows, from its published copy.",
    ),
    Row(
        "opendata:download",
        EVERYONE_200,
        page=False,
        kwargs=lambda cast: _opendata("matrix_download")(cast),
        notes="Public CSV/JSON of a published copy (404 before the first refresh); layanan/opendata/tests.",
    ),
    Row(
        "opendata:catalog",
        EVERYONE_200,
        page=False,
        notes="Public DCAT catalogue (JSON-LD) for data portals.",
    ),
    # -- opendata rows --
    Row(
        "survey:questionnaire",
        EVERYONE_200,
        kwargs=lambda cast: __import__(
            "layanan.survey.tests.builders", fromlist=["matrix_token"]
        ).matrix_token(cast),
        notes="The SKM questionnaire: no sign-in, the link's random token is the key (expired: 410).",
    ),
    Row(
        "survey:thanks",
        EVERYONE_200,
        kwargs=lambda cast: __import__(
            "layanan.survey.tests.builders", fromlist=["matrix_token"]
        ).matrix_token(cast, answered=True),
        notes="The thank-you page of an answered questionnaire (unanswered: back to the questions).",
    ),
    Row(
        "survey:report",
        {**EVERYONE_200, "anonymous": 302, "siti": 403},
        notes="can(actor, 'survey.report.read'): staff see their office's report, leaders, auditors and the "
        "administrator any office within reach; citizens are refused. Scoping: layanan/survey/tests.",
    ),
    Row(
        "survey:report_xlsx",
        {
            **dict.fromkeys(PERSONAS, 200),
            "anonymous": 302,
            "siti": 403,
            "bupati": 302,
            "auditor": 302,
            "admin": 302,
        },
        page=False,
        notes="The report as XLSX: staff get their own office's; without an office of their own (leader, "
        "auditor, administrator) and no office chosen, back to the report page to choose one.",
    ),
    # -- survey rows --
    Row(
        "feedback:vote",
        dict.fromkeys(PERSONAS, 405),
        page=False,
        notes="POST only: 'Apakah halaman ini membantu?' on every page; layanan/feedback/tests/test_vote.py.",
    ),
    Row(
        "feedback:problem",
        EVERYONE_200,
        notes="'Laporkan masalah di halaman ini': anyone, nothing personal stored (docs/feedback.md).",
    ),
    Row("feedback:changes", EVERYONE_200, notes="Public: 'Yang kami ubah karena masukan Anda'."),
    Row(
        "feedback:product",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "bupati": 200, "admin": 200},
        notes="can(actor, 'feedback.read'): administrators, and the leader read-only (no tagging).",
    ),
    Row(
        "feedback:export",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "bupati": 200, "admin": 200},
        page=False,
        kwargs=lambda cast: {"fmt": "csv"},
        notes="The feedback as CSV or XLSX: can(actor, 'feedback.read').",
    ),
    Row(
        "feedback:tag",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: {"pk": 1},
        notes="POST only, can(actor, 'feedback.manage'): administrators; feedback/tests/test_product.py.",
    ),
    Row(
        "feedback:change_new",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "admin": 200},
        notes="Record a change made in answer to feedback: can(actor, 'feedback.manage'), administrators.",
    ),
    # -- feedback rows --
    Row(
        "privacy:my_data",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "siti": 200},
        notes="A citizen's own data, access log and requests (UU 27/2022); staff have none here.",
    ),
    Row(
        "privacy:export",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        notes="The download is a POST (recorded as an access request); tested in layanan/privacy/tests.",
    ),
    Row("privacy:request_new", {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "siti": 200}),
    Row("privacy:consent", {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "siti": 200}),
    Row(
        "privacy:request_list",
        AUDIT_READERS_ONLY,
        notes="The data-protection officer's queue: administrators handle, auditors read.",
    ),
    Row(
        "privacy:request_detail",
        AUDIT_READERS_ONLY,
        kwargs=lambda cast: __import__(
            "layanan.privacy.tests.builders", fromlist=["matrix_request"]
        ).matrix_request(cast),
    ),
    Row("privacy:retention_runs", AUDIT_READERS_ONLY, notes="Retention table and the runs' counts per rule."),
    # -- servicepoints rows --
    Row(
        "servicepoints:list",
        EVERYONE_200,
        notes="Public: active service points, GET filters kecamatan/desa/q.",
    ),
    Row("servicepoints:detail", EVERYONE_200, kwargs=lambda cast: _servicepoints("matrix_point")(cast)),
    Row("servicepoints:announcements", EVERYONE_200, notes="Public: the announcements shown now."),
    Row(
        "servicepoints:announcement_detail",
        EVERYONE_200,
        kwargs=lambda cast: _servicepoints("matrix_announcement")(cast),
        notes="A published announcement that has begun (an ended one stays readable: messages link to it).",
    ),
    Row(
        "servicepoints:subscriptions",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "siti": 200},
        notes="can(actor, 'announcement.subscribe'): a citizen's own subscriptions; staff have none.",
    ),
    Row(
        "servicepoints:unsubscribe",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: {"pk": 1},
        notes="POST only, one's own subscription; layanan/servicepoints/tests/test_announcements.py.",
    ),
    *[
        Row(
            f"servicepoints:{name}",
            {
                **dict.fromkeys(PERSONAS, 403),
                "anonymous": 302,
                **dict.fromkeys(("budi", "andi", "rini", "sekar", "admin"), 200),
            },
            notes="can(actor, 'announcement.write'): staff for their own office, administrators for any.",
        )
        for name in ("staff_announcements", "staff_announcement_new")
    ],
    Row(
        "servicepoints:staff_announcement_edit",
        {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "budi": 200, "sekar": 200, "admin": 200},
        kwargs=lambda cast: _servicepoints("matrix_announcement")(cast),
        notes="Disdukcapil's announcement: its staff and administrators; anyone else gets 404 (not 403).",
    ),
    Row(
        "servicepoints:staff_points",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "rini": 200, "admin": 200},
        notes="can(actor, 'servicepoint.manage'): an office's operator, or an administrator.",
    ),
    Row(
        "servicepoints:staff_point_edit",
        {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "rini": 200, "admin": 200},
        kwargs=lambda cast: _servicepoints("matrix_point")(cast),
        notes="The point of Rini's desa office: Rini and administrators; anyone else gets 404 (not 403).",
    ),
    # -- aspirations rows --
    Row(
        "aspirations:index",
        EVERYONE_200,
        notes="Public: kecamatan → desa with usulan counts, next Musrenbang.",
    ),
    Row(
        "aspirations:desa",
        EVERYONE_200,
        kwargs=lambda cast: _aspirations("matrix_desa")(cast),
        notes="Public: a desa's usulan (proposed, accepted, built), no names; next Musrenbang date.",
    ),
    Row(
        "aspirations:detail",
        EVERYONE_200,
        kwargs=lambda cast: _aspirations("matrix_usulan")(cast),
        notes="Public: one usulan without its proposer; the support button for residents of its desa.",
    ),
    *[
        Row(
            f"aspirations:{name}",
            {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "siti": 200},
            notes="can(actor, 'aspiration.propose'): citizens only.",
        )
        for name in ("new", "mine")
    ],
    Row(
        "aspirations:support",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: _aspirations("matrix_usulan")(cast),
        notes="POST only; residents of the desa (layanan/aspirations/tests/test_support.py).",
    ),
    Row(
        "aspirations:photo",
        {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "rini": 200, "admin": 200},
        page=False,
        kwargs=lambda cast: _aspirations("matrix_photo")(cast),
        notes="can(actor, 'aspiration.photo.read'): the proposer, operators reaching the desa; else 404.",
    ),
    Row(
        "aspirations:staff_list",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "rini": 200, "admin": 200},
        notes="can(actor, 'aspiration.manage'): the usulan of the operator's region; administrators all.",
    ),
    Row(
        "aspirations:staff_export",
        {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "rini": 200, "admin": 200},
        page=False,
        kwargs=lambda cast: {"fmt": "csv"},
        notes="CSV/XLSX/PDF of the same scoped list (layanan/aspirations/tests/test_export.py).",
    ),
    Row(
        "aspirations:staff_detail",
        {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "rini": 200, "admin": 200},
        kwargs=lambda cast: _aspirations("matrix_usulan")(cast),
        notes="An usulan of Rini's desa: Rini and administrators; anyone else gets 404 (not 403).",
    ),
    Row(
        "aspirations:staff_step",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
        page=False,
        kwargs=lambda cast: {**_aspirations("matrix_usulan")(cast), "action": "bahas"},
        notes="POST only (bahas, terima, tolak, dibangun); layanan/aspirations/tests/test_staff.py.",
    ),
]
