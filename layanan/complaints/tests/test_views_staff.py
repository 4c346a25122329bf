"""The staff's pages for reports: the verification desk, the agency queue, one report and its actions.

Each test checks the answer, the database afterwards, and that the persona who
must be refused is refused (a citizen, Andi of Dinas PUPR on a Disdukcapil
report, the read-only Bupati). The reporter's identity never reaches an agency's
page, anonymous or not.
"""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.complaints import services
from layanan.complaints.models import Category, Disposition, Kind, Report, ReportPhoto, Status, Support
from layanan.testing import Cast, make_user

pytestmark = pytest.mark.django_db

ROAD_TEXT = "Jalan desa berlubang besar di depan sekolah, sudah tiga bulan tidak diperbaiki."


# --- builders ------------------------------------------------------------------------------------


def a_category(cast: Cast, slug: str = "kependudukan") -> Category:
    category, _ = Category.objects.get_or_create(
        slug=slug, defaults={"name": "Dokumen kependudukan", "default_office": cast.world.disdukcapil}
    )
    return category


def jpeg(*, exif: bool = False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", (80, 60), (200, 40, 40))
    if exif:
        data = Image.Exif()
        data[0x010F] = "KameraRahasia"  # Make
        image.save(buffer, "JPEG", exif=data)
    else:
        image.save(buffer, "JPEG")
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def a_report(
    cast: Cast,
    *,
    reporter: User | None = None,
    anonymous: bool = False,
    photos: int = 0,
    text: str = ROAD_TEXT,
) -> Report:
    """A report received through the one entry point, from Siti unless said otherwise."""
    return services.report_submit(
        reporter=reporter or cast.siti,
        kind=Kind.COMPLAINT,
        category=a_category(cast),
        text=text,
        region=cast.world.kotabumi_pasar,
        anonymous=anonymous,
        photos=[jpeg() for _ in range(photos)],
        submit_key=uuid.uuid4(),
    )


def disposed(cast: Cast, report: Report | None = None, **options: Any) -> Report:
    """A report verified by the administrator and disposed to Disdukcapil."""
    report = report or a_report(cast, **options)
    return services.report_verify(
        report=report, actor=cast.admin, expected_version=fresh(report).version, office=cast.world.disdukcapil
    )


def fresh(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def page_url(report: Report) -> str:
    return reverse("complaints:staff_report", kwargs={"public_id": report.public_id})


def act_url(report: Report, action: str) -> str:
    return reverse("complaints:staff_act", kwargs={"public_id": report.public_id, "action": action})


def post_act(user: User, report: Report, action: str, **data: Any) -> Any:
    data.setdefault("version", fresh(report).version)
    return client_for(user).post(act_url(report, action), data)


# --- the verification desk -----------------------------------------------------------------------


def test_the_desk_counts_received_and_postponed_reports_and_marks_the_breached(cast: Cast) -> None:
    received = a_report(cast)
    late = a_report(cast, text="Blanko KTP-el habis di kecamatan sejak dua minggu.")
    Report.objects.filter(pk=late.pk).update(verify_due_at=timezone.now() - timedelta(days=10))
    postponed = a_report(cast, text="Akta kelahiran anak belum jadi.")
    services.report_postpone(
        report=postponed, actor=cast.admin, expected_version=postponed.version, reason="?"
    )
    done = disposed(cast, text="Kartu keluarga salah cetak nama.")

    response = client_for(cast.admin).get(reverse("complaints:desk"))

    assert response.status_code == 200
    html = response.content.decode()
    for shown in (received, late, postponed):
        assert shown.tracking_number in html
    assert done.tracking_number not in html
    assert "2 laporan menunggu verifikasi" in html
    assert "1 ditunda" in html
    assert "1 lewat batas waktu" in html
    assert "terlambat" in html
    assert "sisa" in html
    assert fresh(received).status == Status.RECEIVED


@pytest.mark.parametrize("persona", ["siti", "budi", "andi", "bupati", "auditor"])
def test_the_desk_is_the_verifying_administrators_alone(cast: Cast, persona: str) -> None:
    a_report(cast)
    response = client_for(getattr(cast, persona)).get(reverse("complaints:desk"))
    assert response.status_code == 403


def test_the_desk_report_page_shows_the_routed_office_and_the_learned_suggestion(cast: Cast) -> None:
    report = a_report(cast, photos=1)
    Report.objects.filter(pk=report.pk).update(suggested_office=cast.world.pupr, suggestion_confidence=0.82)

    response = client_for(cast.admin).get(page_url(report))

    assert response.status_code == 200
    html = response.content.decode()
    assert ROAD_TEXT in html
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in html
    assert "keyakinan 0.82" in html or "keyakinan 0,82" in html
    assert f'<option value="{cast.world.disdukcapil.code}" selected>' in html  # the routed office
    assert reverse("complaints:photo", kwargs={"photo_id": report.photos.get().pk}) in html
    assert cast.siti.full_name not in html  # hidden until asked for
    assert "Lihat identitas pelapor" in html


# --- verify and dispose --------------------------------------------------------------------------


def test_the_administrator_verifies_and_disposes_to_the_chosen_office(cast: Cast) -> None:
    report = a_report(cast)

    response = post_act(cast.admin, report, "verify", office=cast.world.pupr.code, instruction="Cek lokasi.")

    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:desk")
    report = fresh(report)
    assert report.status == Status.DISPOSED
    disposition = report.dispositions.get(is_active=True)
    assert (disposition.office, disposition.instruction) == (cast.world.pupr, "Cek lokasi.")


def test_the_administrator_verifies_and_disposes_to_the_chosen_office_and_an_extra_one(cast: Cast) -> None:
    report = a_report(cast)

    response = post_act(
        cast.admin,
        report,
        "verify",
        office=cast.world.disdukcapil.code,
        extra=[cast.world.pupr.code],
        instruction="Mohon dicek ke lokasi.",
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:desk")
    report = fresh(report)
    assert report.status == Status.DISPOSED
    offices = set(report.dispositions.filter(is_active=True).values_list("office__code", flat=True))
    assert offices == {cast.world.disdukcapil.code, cast.world.pupr.code}


def test_verifying_without_an_office_is_refused_with_a_message(cast: Cast) -> None:
    report = a_report(cast)
    response = post_act(cast.admin, report, "verify", office="")
    assert response.status_code == 400
    assert "Pilih instansi" in response.content.decode()
    assert fresh(report).status == Status.RECEIVED


@pytest.mark.parametrize("persona", ["budi", "bupati"])
def test_only_the_administrator_verifies(cast: Cast, persona: str) -> None:
    report = a_report(cast)
    response = post_act(getattr(cast, persona), report, "verify", office=cast.world.disdukcapil.code)
    assert response.status_code == 403
    assert fresh(report).status == Status.RECEIVED


def test_a_citizen_is_refused_every_staff_page(cast: Cast) -> None:
    report = a_report(cast)
    client = client_for(cast.siti)  # the reporter herself: she follows it on her own page
    assert client.get(page_url(report)).status_code == 403
    assert client.get(reverse("complaints:queue")).status_code == 403
    assert client.post(act_url(report, "verify"), {"version": 0}).status_code == 403
    assert fresh(report).status == Status.RECEIVED


def test_a_stale_version_is_reported_instead_of_overwriting(cast: Cast) -> None:
    report = a_report(cast)
    response = post_act(cast.admin, report, "postpone", version=report.version + 7, reason="Kurang jelas.")
    assert response.status_code == 409
    assert "diubah oleh petugas lain" in response.content.decode()
    assert fresh(report).status == Status.RECEIVED


def test_postpone_not_authority_and_spam_archive_from_the_desk(cast: Cast) -> None:
    postponed, refused, spam = a_report(cast), a_report(cast), a_report(cast)

    assert post_act(cast.admin, postponed, "postpone", reason="Lokasi kurang jelas.").status_code == 302
    assert (
        post_act(
            cast.admin, refused, "not_authority", reason="Jalan nasional.", redirect_to="BPJN Lampung"
        ).status_code
        == 302
    )
    assert post_act(cast.admin, spam, "archive", grounds="spam").status_code == 302

    assert fresh(postponed).status == Status.POSTPONED
    assert (fresh(refused).status, fresh(refused).redirect_to) == (Status.NOT_AUTHORITY, "BPJN Lampung")
    assert fresh(spam).status == Status.ARCHIVED


# --- identity --------------------------------------------------------------------------------------


def test_the_administrator_sees_the_reporter_on_request_and_the_view_is_audited(cast: Cast) -> None:
    report = a_report(cast)
    before = AuditEvent.objects.filter(object_id=str(report.pk)).count()

    response = client_for(cast.admin).post(act_url(report, "identity"))

    assert response.status_code == 200
    html = response.content.decode()
    assert cast.siti.full_name in html
    assert cast.siti.phone in html
    assert AuditEvent.objects.filter(object_id=str(report.pk)).count() == before + 1


def test_an_anonymous_reporter_stays_anonymous_even_for_the_administrator(cast: Cast) -> None:
    report = a_report(cast, anonymous=True)
    before = AuditEvent.objects.count()

    page = client_for(cast.admin).get(page_url(report))
    response = client_for(cast.admin).post(act_url(report, "identity"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Pelapor anonim" in html
    assert "Lihat identitas pelapor" not in html
    assert act_url(report, "identity") not in html
    assert response.status_code == 403
    assert cast.siti.full_name not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_a_named_reporter_s_page_offers_the_identity_button_to_the_administrator(cast: Cast) -> None:
    report = a_report(cast)
    html = client_for(cast.admin).get(page_url(report)).content.decode()
    assert "Lihat identitas pelapor" in html
    assert act_url(report, "identity") in html
    assert cast.siti.full_name not in html


@pytest.mark.parametrize("persona", ["budi", "bupati", "auditor"])
def test_nobody_but_the_administrator_may_open_the_identity(cast: Cast, persona: str) -> None:
    report = disposed(cast)
    before = AuditEvent.objects.count()
    response = client_for(getattr(cast, persona)).post(act_url(report, "identity"))
    assert response.status_code == 403
    assert cast.siti.full_name not in response.content.decode()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("anonymous", [True, False])
def test_an_agency_officer_never_sees_the_reporter_on_any_staff_page(cast: Cast, anonymous: bool) -> None:
    reporter = make_user(phone="081299990001", full_name="Wulan Pelapor Rahasia")
    report = disposed(cast, reporter=reporter, anonymous=anonymous, photos=1)
    services.report_note(report=fresh(report), actor=cast.budi, text="Dicek besok.")
    client = client_for(cast.budi)

    pages = [
        client.get(reverse("complaints:queue")),
        client.get(page_url(report)),
        client.post(act_url(report, "answer"), {"version": fresh(report).version, "answer": ""}),  # an error
        client.post(act_url(report, "note"), {"version": fresh(report).version, "text": "ok"}, follow=True),
    ]

    for response in pages:
        assert response.status_code in (200, 400)
        html = response.content.decode()
        assert "Wulan" not in html
        assert "Pelapor Rahasia" not in html
        assert "081299990001" not in html
        assert "6281299990001" not in html
    assert pages[1].status_code == 200
    assert report.tracking_number in pages[1].content.decode()


# --- the agency queue ----------------------------------------------------------------------------


def test_the_agency_queue_counts_each_bucket_and_marks_the_breached(cast: Cast) -> None:
    new = disposed(cast)
    started = disposed(cast, text="Blanko KTP-el habis.")
    services.report_start(report=started, actor=cast.budi, expected_version=started.version)
    late = disposed(cast, text="Akta kelahiran tidak terbit.")
    Disposition.objects.filter(report=late).update(due_at=timezone.now() - timedelta(days=14))
    Report.objects.filter(pk=late.pk).update(followup_due_at=timezone.now() - timedelta(days=14))
    elsewhere = services.report_verify(
        report=a_report(cast), actor=cast.admin, expected_version=0, office=cast.world.pupr
    )

    response = client_for(cast.budi).get(reverse("complaints:queue"))

    assert response.status_code == 200
    html = response.content.decode()
    assert new.tracking_number in html
    assert elsewhere.tracking_number not in html
    tabs = {tab.slug: tab.count for tab in response.context["tabs"]}
    assert tabs["new"] >= 1
    assert tabs["in_progress"] >= 1
    assert tabs["overdue"] >= 1
    breached = client_for(cast.budi).get(reverse("complaints:queue") + "?kelompok=overdue")
    assert late.tracking_number in breached.content.decode()
    assert "terlambat" in breached.content.decode()


def test_andi_of_dinas_pupr_is_refused_a_report_disposed_to_disdukcapil(cast: Cast) -> None:
    report = disposed(cast)
    client = client_for(cast.andi)
    assert client.get(page_url(report)).status_code == 404  # as for a report that does not exist
    response = client.post(act_url(report, "note"), {"version": fresh(report).version, "text": "x"})
    assert response.status_code == 403
    assert report.tracking_number not in client.get(reverse("complaints:queue")).content.decode()
    assert not report.timeline.filter(action="note").exists()


def test_the_bupati_reads_a_report_but_cannot_act(cast: Cast) -> None:
    report = disposed(cast)
    client = client_for(cast.bupati)

    page = client.get(page_url(report))
    refused = client.post(act_url(report, "note"), {"version": fresh(report).version, "text": "Segera."})

    assert page.status_code == 200
    assert '<form method="post" action="' + act_url(report, "note") not in page.content.decode()
    assert cast.siti.full_name not in page.content.decode()
    assert refused.status_code == 403
    assert not report.timeline.filter(action="note").exists()


# --- follow-up -----------------------------------------------------------------------------------


def test_the_agency_starts_notes_and_answers_with_an_evidence_photo(cast: Cast) -> None:
    report = disposed(cast)

    assert post_act(cast.budi, report, "start").status_code == 302
    assert post_act(cast.budi, report, "note", text="Tim turun ke lokasi.").status_code == 302
    response = client_for(cast.budi).post(
        act_url(report, "answer"),
        {"version": fresh(report).version, "answer": "Sudah dicetak ulang.", "evidence": [jpeg(exif=True)]},
    )

    assert response.status_code == 302
    report = fresh(report)
    assert report.status == Status.ANSWERED
    assert report.public_answer == "Sudah dicetak ulang."
    evidence = report.photos.get(is_evidence=True)
    with evidence.file.open("rb") as handle:
        content = handle.read()
    assert b"KameraRahasia" not in content  # re-encoded, EXIF gone
    assert Image.open(io.BytesIO(content)).format == "JPEG"
    assert report.timeline.filter(action="note", internal=True).exists()


def test_after_the_answer_the_agency_is_told_no_step_is_left_but_may_still_note(cast: Cast) -> None:
    """The "Tindakan" heading says so, instead of standing empty above the internal note."""
    report = disposed(cast)
    busy = client_for(cast.budi).get(page_url(report)).content.decode()
    assert "Tidak ada tindakan yang dapat Anda ambil" not in busy
    assert "Mulai tindak lanjut" in busy
    post_act(cast.budi, report, "answer", answer="Sudah dicetak ulang.")
    assert fresh(report).status == Status.ANSWERED
    done = client_for(cast.budi).get(page_url(report)).content.decode()
    assert "Tidak ada tindakan yang dapat Anda ambil pada status ini." in done
    assert "Simpan catatan" in done  # the internal note stays open while the report does


def test_andi_cannot_answer_a_disdukcapil_report(cast: Cast) -> None:
    report = disposed(cast)
    response = post_act(cast.andi, report, "answer", answer="Bukan urusan kami.")
    assert response.status_code == 403
    assert fresh(report).public_answer == ""


def test_the_administrator_redisposes_to_another_office_with_a_reason(cast: Cast) -> None:
    report = disposed(cast)

    response = post_act(
        cast.admin,
        report,
        "redispose",
        from_office=cast.world.disdukcapil.code,
        office=cast.world.pupr.code,
        reason="Ini soal jalan, bukan dokumen.",
    )

    assert response.status_code == 302
    active = set(fresh(report).dispositions.filter(is_active=True).values_list("office__code", flat=True))
    assert active == {cast.world.pupr.code}
    assert client_for(cast.andi).get(page_url(report)).status_code == 200
    missing_reason = post_act(
        cast.admin, report, "redispose", from_office=cast.world.pupr.code, office=cast.world.disdukcapil.code
    )
    assert missing_reason.status_code == 400


def test_the_administrator_marks_a_duplicate_and_its_supporters_move(cast: Cast) -> None:
    original = disposed(cast)
    copy = a_report(cast, reporter=make_user(phone="081299990002", full_name="Warga Dua"))
    supporter = make_user(phone="081299990003", full_name="Warga Tiga")
    services.report_support(report=copy, user=supporter)

    response = post_act(
        cast.admin, copy, "archive", grounds="duplicate", duplicate_of=original.tracking_number
    )

    assert response.status_code == 302
    copy = fresh(copy)
    assert (copy.status, copy.duplicate_of_id) == (Status.ARCHIVED, original.pk)
    assert Support.objects.filter(report=original, user=supporter).exists()


def test_an_agency_officer_cannot_mark_a_duplicate(cast: Cast) -> None:
    original, other = disposed(cast), disposed(cast, text="Sama: blanko habis.")
    response = post_act(cast.budi, other, "duplicate", duplicate_of=original.tracking_number)
    assert response.status_code == 403
    assert fresh(other).duplicate_of_id is None


def test_an_unknown_tracking_number_for_a_duplicate_is_refused_with_a_message(cast: Cast) -> None:
    report = a_report(cast)
    response = post_act(cast.admin, report, "archive", grounds="duplicate", duplicate_of="A-XXXX-0000")
    assert response.status_code == 400
    assert fresh(report).status == Status.RECEIVED


# --- photos ----------------------------------------------------------------------------------------


def test_the_photo_view_serves_the_agency_with_safe_headers_and_refuses_others(cast: Cast) -> None:
    report = disposed(cast, photos=1)
    photo = ReportPhoto.objects.get(report=report)
    url = reverse("complaints:photo", kwargs={"photo_id": photo.pk})

    served = client_for(cast.budi).get(url)

    assert served.status_code == 200
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Cache-Control"] == "private, no-store"
    assert served["Content-Disposition"].startswith("inline;")
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert client_for(cast.siti).get(url).status_code == 200  # her own photo
    assert client_for(cast.andi).get(url).status_code == 404  # not hers: as if it did not exist
    assert client_for(None).get(url).status_code == 302
    assert client_for(make_user(phone="081299990004", full_name="Tetangga")).get(url).status_code == 404
