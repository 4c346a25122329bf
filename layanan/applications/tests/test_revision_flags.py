"""Asking for a revision of any answer or file, each with its reason, and the citizen fixing it.

One "Minta perbaikan" posts several items at once; the citizen reads each reason beside what
to fix (on the detail page, with a link to the step, and beside the field on the step); fixing
and resubmitting is recorded, and resubmission ends the flags.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from layanan.applications import services
from layanan.applications.models import AnswerFlag, Application, RequirementCheck, Status
from layanan.applications.tests.test_views_staff import (
    act_url,
    claimed,
    client_for,
    fresh,
    post_act,
)
from layanan.audit.models import AuditEvent
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def _flag_two_answers_and_a_file(cast: Cast, application: Application):
    return post_act(
        cast.budi,
        application,
        "revision",
        **{
            "ubah-isian-alamat_tujuan": "1",
            "alasan-isian-alamat_tujuan": "Tulis nama desa tujuan, bukan hanya jalan.",
            "ubah-isian-nik_pemohon": "1",
            "alasan-isian-nik_pemohon": "NIK tidak cocok dengan KK.",
            "ubah-syarat-kk": "1",
            "alasan-syarat-kk": "Foto KK terpotong.",
            "message": "Terima kasih.",
        },
    )


def test_an_officer_flags_two_answers_and_a_file_in_one_request_each_with_its_reason(cast: Cast):
    application = claimed(cast)

    response = _flag_two_answers_and_a_file(cast, application)

    assert response.status_code == 302
    after = fresh(application)
    assert after.status == Status.REVISION
    assert after.paused_at is not None
    assert after.revision_message == "Terima kasih."
    flags = dict(AnswerFlag.objects.filter(application=after).values_list("field_name", "reason"))
    assert flags == {
        "alamat_tujuan": "Tulis nama desa tujuan, bukan hanya jalan.",
        "nik_pemohon": "NIK tidak cocok dengan KK.",
    }
    kk = after.checks.get(requirement__code="kk")
    assert (kk.verdict, kk.reason) == (RequirementCheck.Verdict.REVISION, "Foto KK terpotong.")
    assert after.checks.get(requirement__code="ktp").verdict != RequirementCheck.Verdict.REVISION
    event = after.timeline.get(action="request_revision")
    assert not event.internal
    for words in (
        "Alamat tujuan: Tulis nama desa tujuan, bukan hanya jalan.",
        "NIK pemohon: NIK tidak cocok dengan KK.",
        "Kartu Keluarga: Foto KK terpotong.",
    ):
        assert words in event.message
    audit = AuditEvent.objects.get(action="applications.request_revision")
    assert audit.details["answers"] == ["alamat_tujuan", "nik_pemohon"]
    assert audit.details["requirements"] == ["kk"]
    assert "NIK tidak cocok" not in str(audit.details)  # reasons stay out of the audit row


def test_a_checked_answer_without_a_reason_is_refused_with_a_plain_message(cast: Cast):
    application = claimed(cast)

    response = post_act(cast.budi, application, "revision", **{"ubah-isian-alamat_tujuan": "1"})

    assert response.status_code == 400
    assert "Tulis alasan perbaikan untuk Alamat tujuan." in response.content.decode()
    assert fresh(application).status == Status.VERIFYING
    assert not AnswerFlag.objects.exists()


def test_nothing_checked_is_refused(cast: Cast):
    application = claimed(cast)

    response = post_act(cast.budi, application, "revision")

    assert response.status_code == 400
    assert "Centang isian atau berkas yang perlu diperbaiki" in response.content.decode()
    assert fresh(application).status == Status.VERIFYING


@pytest.mark.parametrize("persona", ["andi", "bupati", "siti"])
def test_others_may_not_ask_for_a_revision(cast: Cast, persona: str):
    application = claimed(cast)
    client = client_for(getattr(cast, persona))

    response = client.post(
        act_url(application, "revision"),
        {"version": application.version, "ubah-isian-alamat_tujuan": "1", "alasan-isian-alamat_tujuan": "x"},
    )

    assert response.status_code == 403
    assert fresh(application).status == Status.VERIFYING
    assert not AnswerFlag.objects.exists()


def test_the_work_page_offers_every_answer_and_every_file_in_the_revision_form(cast: Cast):
    application = claimed(cast)

    html = client_for(cast.budi).get(reverse("applications:work", args=[application.public_id])).content
    page = html.decode()

    for key in ("isian-alamat_tujuan", "isian-nik_pemohon", "syarat-kk", "syarat-ktp"):
        assert f'name="ubah-{key}"' in page
        assert f'name="alasan-{key}"' in page
    assert "Minta perbaikan" in page


def test_the_citizen_sees_each_reason_with_a_link_to_the_step_and_no_claim_that_the_rest_is_fine(cast: Cast):
    application = claimed(cast)
    _flag_two_answers_and_a_file(cast, application)

    response = client_for(cast.siti).get(reverse("applications:detail", args=[application.public_id]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tulis nama desa tujuan, bukan hanya jalan." in page
    assert "NIK tidak cocok dengan KK." in page
    assert "Foto KK terpotong." in page
    assert "Terima kasih." in page
    step_url = reverse("applications:step", args=[application.public_id, 1])
    assert f'href="{step_url}?dari=periksa#id_alamat_tujuan"' in page
    assert reverse("applications:requirements", args=[application.public_id]) + "#syarat-kk" in page
    assert "Bagian lain tidak perlu diubah" not in page
    assert "Kirim ulang</button>" not in page  # nothing fixed yet


def test_the_step_shows_the_reason_beside_the_flagged_field_only(cast: Cast):
    application = claimed(cast)
    _flag_two_answers_and_a_file(cast, application)

    response = client_for(cast.siti).get(reverse("applications:step", args=[application.public_id, 1]))

    assert response.status_code == 200
    page = response.content.decode()
    reason = page.index("Tulis nama desa tujuan, bukan hanya jalan.")
    assert page.index('id="alasan-alamat_tujuan"') < reason < page.index('name="alamat_tujuan"')
    assert 'id="alasan-nik_pemohon"' in page


def test_fixing_answers_is_recorded_and_resubmission_clears_the_flags(cast: Cast):
    application = claimed(cast)
    _flag_two_answers_and_a_file(cast, application)
    application = fresh(application)

    with pytest.raises(services.Incomplete) as refused:
        services.application_submit(application=application, actor=cast.siti, submit_key=uuid.uuid4())
    assert refused.value.missing == ["Kartu Keluarga", "Alamat tujuan", "NIK pemohon"]

    services.application_save_step(
        application=application,
        actor=cast.siti,
        step=1,
        answers={"alamat_tujuan": "Desa Tanjung Raja, Jl. Merdeka 1", "nik_pemohon": "1803024506900002"},
    )
    assert AnswerFlag.objects.filter(fixed_at__isnull=False).count() == 2
    fixes = list(application.timeline.filter(action="fix_answer").values_list("message", flat=True))
    assert fixes == ["Pemohon memperbaiki: Alamat tujuan.", "Pemohon memperbaiki: NIK pemohon."]
    assert AuditEvent.objects.filter(action="applications.answer_fix").count() == 2
    services.requirement_provide(
        application=application,
        actor=cast.siti,
        requirement=application.service.requirements.get(code="kk"),
        provision=RequirementCheck.Provision.PAPER,
    )
    page = client_for(cast.siti).get(reverse("applications:detail", args=[application.public_id]))
    assert "Kirim ulang</button>" in page.content.decode()

    application = services.application_submit(
        application=application, actor=cast.siti, submit_key=uuid.uuid4()
    )

    assert application.status == Status.VERIFYING
    assert not AnswerFlag.objects.filter(cleared_at__isnull=True).exists()
    assert AnswerFlag.objects.count() == 2  # kept for the history
    assert fresh(application).revision_message == ""
    work = (
        client_for(cast.budi).get(reverse("applications:work", args=[application.public_id])).content.decode()
    )
    assert "Pemohon memperbaiki: Alamat tujuan." in work
    assert "Perlu diperbaiki oleh pemohon → Sedang diperiksa" in work


def test_a_question_in_the_history_is_quoted_so_its_question_mark_is_not_followed_by_more_punctuation():
    from layanan.applications.forms import field_name_words

    assert field_name_words("Untuk keperluan apa surat ini?") == "“Untuk keperluan apa surat ini?”"
    assert field_name_words("Alamat tujuan") == "Alamat tujuan"
