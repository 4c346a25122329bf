"""Files end to end: encrypted on disk, served decrypted and sandboxed, "not yours" answered as
"missing", and a citizen's upload quota. See docs/files.md.

Each kind of stored file goes through the real services: a requirement upload (a KK photo and a
PDF), a report's photo, and an issued letter.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from django.urls import reverse

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.applications import services as application_services
from layanan.applications.models import Application, Attachment
from layanan.applications.tests.builders import png_upload
from layanan.applications.tests.officer_builders import birth_application
from layanan.applications.tests.test_views_citizen import build_draft, jpeg_upload
from layanan.complaints import services as complaint_services
from layanan.complaints.models import Kind, Report, ReportPhoto
from layanan.complaints.services import ReportError
from layanan.complaints.tests.domain_builders import category, disposed
from layanan.core.filecrypt import is_encrypted
from layanan.documents.models import Document
from layanan.documents.tests.render_builders import issued, signing_ca  # noqa: F401  # a fixture
from layanan.testing import Cast, make_user

JPEG_MAGIC = b"\xff\xd8\xff"
SANDBOX = "sandbox; default-src 'none'"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def on_disk(field_file) -> bytes:
    return Path(field_file.storage.path(field_file.name)).read_bytes()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stranger() -> User:
    return make_user(phone="081299997771", full_name="Tetangga Penasaran")


# --- encrypted at rest, served as they were ------------------------------------------------------


def test_requirement_uploads_are_encrypted_on_disk_and_served_decrypted_and_sandboxed(cast: Cast) -> None:
    application = birth_application(cast)
    photo = application.attachments.get(requirement__code="kk")
    pdf = application.attachments.get(requirement__code="surat_lahir")

    for attachment, magic in ((photo, JPEG_MAGIC), (pdf, b"%PDF")):
        raw = on_disk(attachment.file)
        assert is_encrypted(raw)
        assert magic not in raw
        served = client_for(cast.budi).get(reverse("applications:preview", args=[attachment.pk]))
        content = body(served)
        assert served.status_code == 200
        assert content.startswith(magic)
        assert hashlib.sha256(content).hexdigest() == attachment.sha256
        assert int(served["Content-Length"]) == attachment.size
        assert served["Content-Security-Policy"] == SANDBOX
        assert served["X-Content-Type-Options"] == "nosniff"
    photo_served = client_for(cast.budi).get(reverse("applications:preview", args=[photo.pk]))
    pdf_served = client_for(cast.budi).get(reverse("applications:preview", args=[pdf.pk]))
    assert photo_served["Content-Disposition"].startswith("inline;")
    assert pdf_served["Content-Disposition"].startswith("attachment;")


def test_a_report_photo_is_encrypted_on_disk_and_its_thumbnail_is_made_from_the_clear_photo(
    cast: Cast,
) -> None:
    report = disposed(cast, photos=[png_upload()])
    photo = ReportPhoto.objects.get(report=report)
    url = reverse("complaints:photo", args=[photo.pk])

    whole = client_for(cast.budi).get(url)
    small = client_for(cast.budi).get(url + "?ukuran=kecil")

    raw = on_disk(photo.file)
    assert is_encrypted(raw)
    assert JPEG_MAGIC not in raw
    assert whole.status_code == 200
    assert hashlib.sha256(body(whole)).hexdigest() == photo.sha256
    assert small.status_code == 200
    assert small.content.startswith(JPEG_MAGIC)
    assert small["Content-Security-Policy"] == SANDBOX


@pytest.mark.usefixtures("signing_ca")
def test_an_issued_letter_is_encrypted_on_disk_and_downloads_as_signed(cast: Cast) -> None:
    document = issued(cast)

    response = client_for(cast.siti).get(reverse("documents:download", kwargs={"code": document.public_code}))

    raw = on_disk(document.file)
    content = body(response)
    assert is_encrypted(raw)
    assert b"%PDF" not in raw
    assert document.number.encode() not in raw
    assert response.status_code == 200
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == SANDBOX


# --- "not yours" answers exactly as "missing" ---------------------------------------------------


def _page(content: bytes, url: str) -> bytes:
    """The page without what differs by request alone: the CSRF token and the page's own address."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content).replace(url.encode(), b"URL")


def _same_answer(user: User, url_of_theirs: str, url_of_nothing: str) -> None:
    theirs = client_for(user).get(url_of_theirs)
    nothing = client_for(user).get(url_of_nothing)
    assert theirs.status_code == nothing.status_code == 404
    assert _page(theirs.content, url_of_theirs) == _page(nothing.content, url_of_nothing)
    assert theirs.get("Content-Type") == nothing.get("Content-Type")


@pytest.mark.parametrize("persona", ["stranger", "andi", "bupati"])
def test_attachments_not_yours_answer_as_missing(cast: Cast, persona: str) -> None:
    user = stranger() if persona == "stranger" else getattr(cast, persona)
    attachment = birth_application(cast).attachments.first()
    assert attachment is not None
    gone = attachment.pk + 1000

    _same_answer(
        user,
        reverse("applications:attachment", args=[attachment.pk]),
        reverse("applications:attachment", args=[gone]),
    )
    _same_answer(
        user,
        reverse("applications:preview", args=[attachment.pk]),
        reverse("applications:preview", args=[gone]),
    )


@pytest.mark.parametrize("persona", ["stranger", "andi"])
def test_photos_not_yours_answer_as_missing(cast: Cast, persona: str) -> None:
    user = stranger() if persona == "stranger" else getattr(cast, persona)
    photo = ReportPhoto.objects.get(report=disposed(cast, photos=[png_upload()]))
    gone = photo.pk + 1000

    _same_answer(user, reverse("complaints:photo", args=[photo.pk]), reverse("complaints:photo", args=[gone]))
    # A visitor is sent to sign in for both alike.
    assert Client().get(reverse("complaints:photo", args=[photo.pk])).status_code == 302
    assert Client().get(reverse("complaints:photo", args=[gone])).status_code == 302


@pytest.mark.usefixtures("signing_ca")
@pytest.mark.parametrize("persona", ["stranger", "andi", "bupati"])
def test_documents_not_yours_answer_as_missing(cast: Cast, persona: str) -> None:
    user = stranger() if persona == "stranger" else getattr(cast, persona)
    document = issued(cast)
    unknown = "ABCDEFGHJKMNPQRSTVWX"
    assert not Document.objects.filter(public_code=unknown).exists()

    _same_answer(
        user,
        reverse("documents:download", kwargs={"code": document.public_code}),
        reverse("documents:download", kwargs={"code": unknown}),
    )


@pytest.mark.parametrize("persona", ["stranger", "budi"])
def test_reports_not_yours_answer_as_missing(cast: Cast, persona: str) -> None:
    user = stranger() if persona == "stranger" else getattr(cast, persona)
    report = disposed(cast)
    gone = uuid.uuid4()

    _same_answer(
        user,
        reverse("complaints:detail", kwargs={"public_id": report.public_id}),
        reverse("complaints:detail", kwargs={"public_id": gone}),
    )


def test_a_report_of_another_office_answers_as_missing_on_the_staff_page(cast: Cast) -> None:
    report = disposed(cast)  # disposed to Disdukcapil; Andi works elsewhere

    _same_answer(
        cast.andi,
        reverse("complaints:staff_report", kwargs={"public_id": report.public_id}),
        reverse("complaints:staff_report", kwargs={"public_id": uuid.uuid4()}),
    )
    assert (
        client_for(cast.budi).get(reverse("complaints:staff_report", args=[report.public_id])).status_code
        == 200
    )


# --- the per-citizen quota --------------------------------------------------------------------


def _provide(application: Application, code: str, upload: SimpleUploadedFile) -> None:
    application_services.requirement_provide(
        application=Application.objects.get(pk=application.pk),
        actor=application.applicant,
        requirement=application.service.requirements.get(code=code),
        provision="upload",
        upload=upload,
    )


def _stored_files(settings) -> list[str]:
    return sorted(str(path) for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def test_over_the_daily_file_count_an_upload_is_refused_and_nothing_is_saved(cast: Cast, settings) -> None:
    birth_application(cast)  # Siti has uploaded two files today
    draft = build_draft(cast)
    settings.UPLOAD_QUOTA_FILES_PER_DAY = 2
    before = Attachment.objects.count()
    files_before = _stored_files(settings)

    with pytest.raises(application_services.ApplicationError, match="batas harian"):
        _provide(draft, "foto-kk", jpeg_upload())

    assert Attachment.objects.count() == before
    assert _stored_files(settings) == files_before
    settings.UPLOAD_QUOTA_FILES_PER_DAY = 3
    _provide(draft, "foto-kk", jpeg_upload())  # under the limit it works
    assert Attachment.objects.count() == before + 1


def test_over_the_stored_megabytes_an_upload_is_refused_and_nothing_is_saved(cast: Cast, settings) -> None:
    birth_application(cast)
    draft = build_draft(cast)
    settings.UPLOAD_QUOTA_PER_USER_MB = 1
    Attachment.objects.filter(uploaded_by=cast.siti).update(size=F("size") + 1024 * 1024)  # as if full
    before = Attachment.objects.count()
    files_before = _stored_files(settings)

    with pytest.raises(application_services.ApplicationError, match="penyimpanan berkas Anda sudah penuh"):
        _provide(draft, "foto-kk", jpeg_upload())

    assert Attachment.objects.count() == before
    assert _stored_files(settings) == files_before
    settings.UPLOAD_QUOTA_PER_USER_MB = 3
    _provide(draft, "foto-kk", jpeg_upload())
    assert Attachment.objects.count() == before + 1


def test_the_quota_message_reaches_the_citizen_on_the_requirements_page(cast: Cast, settings) -> None:
    birth_application(cast)  # Siti's two uploads of today
    settings.UPLOAD_QUOTA_FILES_PER_DAY = 2
    application = build_draft(cast)
    url = reverse("applications:requirements", kwargs={"public_id": application.public_id})

    response = client_for(cast.siti).post(
        url, {"berkas-foto-kk": jpeg_upload(), "cara-akta": "paper", "lanjut": ""}
    )

    assert response.status_code == 200
    assert "Anda sudah mengunggah 2 berkas hari ini, batas harian." in response.content.decode()
    assert not Attachment.objects.filter(application=application).exists()


def test_report_photos_count_against_the_quota_and_the_report_is_not_filed(cast: Cast, settings) -> None:
    settings.UPLOAD_QUOTA_FILES_PER_DAY = 1
    reports_before = Report.objects.count()

    with pytest.raises(ReportError, match="batas harian"):
        complaint_services.report_submit(
            reporter=cast.siti,
            kind=Kind.COMPLAINT,
            category=category(cast.world.disdukcapil),
            text="Jalan desa rusak berlubang besar di depan balai desa, sudah tiga bulan.",
            region=cast.world.kotabumi_pasar,
            submit_key=uuid.uuid4(),
            photos=[png_upload(), png_upload()],
        )

    assert Report.objects.count() == reports_before
    assert not ReportPhoto.objects.exists()


def test_staff_uploads_are_not_counted(cast: Cast, settings) -> None:
    settings.UPLOAD_QUOTA_FILES_PER_DAY = 1
    report = disposed(cast, photos=[png_upload()])  # Siti's one photo of the day
    report = complaint_services.report_start(report=report, actor=cast.budi, expected_version=report.version)

    complaint_services.report_answer(
        report=report,
        actor=cast.budi,
        expected_version=report.version,
        answer="Sudah kami perbaiki.",
        evidence=[png_upload(), png_upload()],
    )

    assert ReportPhoto.objects.filter(report=report, is_evidence=True).count() == 2
