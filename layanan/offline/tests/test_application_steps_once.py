"""An application's steps through the outbox (docs/offline.md): a step or an upload sent again with its
submit key (the answer was lost mid-upload, or the person pressed send twice) is done once and answered
with the first redirect; the final submit gives the same application, never a second transition.

Each test checks the answer, the database afterwards, and that the persona who must be refused is."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from layanan.applications.models import Application, Attachment, Status, TimelineEvent
from layanan.applications.tests.test_views_citizen import (
    STEP1,
    build_draft,
    build_ready,
    client_for,
    fresh,
    jpeg_upload,
    other_citizen,
    step2_answers,
    url,
)
from layanan.offline.models import FormReceipt
from layanan.offline.tasks import offline_receipts_prune
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def test_a_step_sent_twice_is_saved_once_and_answered_with_the_same_redirect(cast: Cast) -> None:
    application = build_draft(cast)
    client = client_for(cast.siti)
    key = str(uuid.uuid4())
    step2 = url("step", application, step=2)

    first = client.post(step2, {**step2_answers(cast), "lanjut": "", "submit_key": key})
    # Online again, she changes her reason; then the phone sends the first save once more.
    changed = {**step2_answers(cast), "alasan": "Hilang", "lanjut": "", "submit_key": str(uuid.uuid4())}
    assert client.post(step2, changed).status_code == 302
    repeat = client.post(step2, {**step2_answers(cast), "lanjut": "", "submit_key": key})

    assert first.status_code == repeat.status_code == 302
    assert first["Location"] == repeat["Location"] == url("requirements", application)
    assert fresh(application).answers["alasan"] == "Hilang", "the repeat did not undo the newer answer"
    assert FormReceipt.objects.filter(key=key, user=cast.siti).count() == 1


def test_a_step_with_errors_is_not_remembered_so_the_corrected_one_is_saved(cast: Cast) -> None:
    application = build_draft(cast)
    client = client_for(cast.siti)
    key = str(uuid.uuid4())
    step1 = url("step", application, step=1)

    wrong = client.post(step1, {**STEP1, "nik": "123", "lanjut": "", "submit_key": key})
    assert wrong.status_code == 200
    assert not FormReceipt.objects.exists()
    assert "nik" not in fresh(application).answers

    right = client.post(step1, {**STEP1, "lanjut": "", "submit_key": key})
    assert right.status_code == 302
    assert fresh(application).answers["nik"] == STEP1["nik"]


def test_an_upload_sent_twice_is_stored_once(cast: Cast) -> None:
    application = build_draft(cast)
    client = client_for(cast.siti)
    key = str(uuid.uuid4())
    page = url("requirements", application)

    first = client.post(page, {"berkas-foto-kk": jpeg_upload(), "cara-akta": "paper", "submit_key": key})
    repeat = client.post(page, {"berkas-foto-kk": jpeg_upload(), "cara-akta": "paper", "submit_key": key})

    assert first.status_code == repeat.status_code == 302
    assert first["Location"] == repeat["Location"] == url("review", application)
    assert Attachment.objects.filter(application=application).count() == 1


def test_another_person_cannot_use_the_key_nor_the_page(cast: Cast) -> None:
    application = build_draft(cast)
    key = str(uuid.uuid4())
    sent = {"berkas-foto-kk": jpeg_upload(), "cara-akta": "paper", "submit_key": key}
    assert client_for(cast.siti).post(url("requirements", application), sent).status_code == 302

    wati = other_citizen()
    hers = build_draft(cast, applicant=wati, service=application.service)
    reused = client_for(wati).post(
        url("requirements", hers), {"berkas-foto-kk": jpeg_upload(), "cara-akta": "paper", "submit_key": key}
    )
    assert reused.status_code == 403
    assert not Attachment.objects.filter(application=hers).exists()

    # Siti's page itself: refused before anything is remembered or stored.
    other = str(uuid.uuid4())
    andi = client_for(cast.andi).post(
        url("requirements", application), {"berkas-foto-kk": jpeg_upload(), "submit_key": other}
    )
    assert andi.status_code == 403
    assert not FormReceipt.objects.filter(key=other).exists()
    assert Attachment.objects.filter(application=application).count() == 1


def test_the_final_submit_sent_again_gives_the_same_application(cast: Cast) -> None:
    application = build_ready(cast)
    key = str(uuid.uuid4())
    client = client_for(cast.siti)

    first = client.post(url("review", application), {"submit_key": key})
    # The answer was lost: the outbox first opens the form page (now the application's page) ...
    assert client.get(url("review", application)).status_code == 302
    repeat = client.post(url("review", application), {"submit_key": key})

    assert first.status_code == repeat.status_code == 302
    assert first["Location"] == repeat["Location"] == url("done", application)
    assert fresh(application).status == Status.SUBMITTED
    assert TimelineEvent.objects.filter(application=application, action="submit").count() == 1
    assert Attachment.objects.filter(application=application).count() == 1
    assert client_for(cast.andi).post(url("review", application), {"submit_key": key}).status_code == 403


def test_the_pages_of_the_form_are_kept_for_her_account_only(cast: Cast) -> None:
    application = build_draft(cast)
    page = client_for(cast.siti).get(url("step", application, step=1))

    assert page.status_code == 200
    assert page["X-Offline"] == "account"
    assert page["X-Offline-Pages"].split() == [
        url("step", application, step=1),
        url("step", application, step=2),
        url("requirements", application),
        url("review", application),
    ]
    html = page.content.decode()
    assert "data-offline=" in html
    assert f'data-offline-next="{url("step", application, step=2)}"' in html
    assert 'name="submit_key"' in html
    for name in ("requirements", "review"):
        kept = client_for(cast.siti).get(url(name, application))
        assert kept["X-Offline"] == "account", name
        assert "data-offline=" in kept.content.decode(), name

    refused = client_for(cast.andi).get(url("step", application, step=1))
    assert refused.status_code == 403
    assert "X-Offline" not in refused
    assert Application.objects.get(pk=application.pk).answers == {}


def test_a_step_arriving_after_the_application_was_sent_is_not_saved_and_says_so(cast: Cast) -> None:
    application = build_ready(cast)
    client = client_for(cast.siti)
    assert client.post(url("review", application), {"submit_key": str(uuid.uuid4())}).status_code == 302
    before = fresh(application).answers

    late = client.post(
        url("step", application, step=2),
        {**step2_answers(cast), "alasan": "Hilang", "lanjut": "", "submit_key": str(uuid.uuid4())},
        follow=True,
    )

    assert late.redirect_chain == [(url("detail", application), 302)]
    assert "tidak dapat diubah lagi" in late.content.decode()
    assert fresh(application).answers == before
    assert fresh(application).status == Status.SUBMITTED
    andi = client_for(cast.andi).post(url("step", application, step=2), {"submit_key": str(uuid.uuid4())})
    assert andi.status_code == 403


def test_receipts_older_than_a_month_are_forgotten_and_newer_ones_kept(cast: Cast) -> None:
    old = FormReceipt.objects.create(key=uuid.uuid4(), user=cast.siti, path="/a/", answer="/b/")
    new = FormReceipt.objects.create(key=uuid.uuid4(), user=cast.siti, path="/a/", answer="/b/")
    FormReceipt.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert offline_receipts_prune.call() == 1

    assert list(FormReceipt.objects.values_list("pk", flat=True)) == [new.pk]
