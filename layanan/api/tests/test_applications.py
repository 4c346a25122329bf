"""Applications through the API: start, steps (checked as the page checks them), requirements with
files, submit once per key, cancel, and the officer's steps; each refused to whom the page refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from layanan.api.models import IdempotentAnswer
from layanan.api.tests.builders import token_client
from layanan.applications.models import Application, Attachment, RequirementCheck, Status
from layanan.applications.tests.builders import png_upload
from layanan.applications.tests.test_views_staff import build_service, build_submitted
from layanan.complaints.tests.citizen_builders import other_citizen
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

NIK = "1803024506900001"


def _started(client: Client, slug: str) -> dict[str, Any]:
    answer = client.post("/api/v1/applications", {"service": slug}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_a_citizen_applies_from_start_to_submit_with_a_file(cast: Cast) -> None:
    service = build_service(cast)
    client = token_client(cast.siti)
    draft = _started(client, service.slug)
    assert draft["status"] == "draft"
    assert "edit" in draft["actions"]
    url = f"/api/v1/applications/{draft['id']}"

    wrong = client.put(
        f"{url}/steps/1",
        {"step": 1, "answers": {"alamat_tujuan": "Jl. Merdeka 1", "nik_pemohon": "123"}},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert "nik_pemohon" in wrong.json()["error"]["fields"]
    assert Application.objects.get().answers.get("nik_pemohon") in (None, "")

    saved = client.put(
        f"{url}/steps/1",
        {"step": 1, "answers": {"alamat_tujuan": "Jl. Merdeka 1", "nik_pemohon": NIK}},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert Application.objects.get().answers["nik_pemohon"] == NIK

    early = client.post(f"{url}/submit")
    assert early.status_code == 422
    assert early.json()["error"]["code"] == "invalid"
    assert Application.objects.get().status == Status.DRAFT

    uploaded = client.post(f"{url}/requirements/kk", {"provision": "upload", "file": png_upload()})
    assert uploaded.status_code == 200, uploaded.content
    assert Attachment.objects.filter(requirement__code="kk", is_current=True).count() == 1
    paper = client.post(f"{url}/requirements/ktp", {"provision": "paper"})
    assert paper.status_code == 200
    assert RequirementCheck.objects.get(requirement__code="ktp").provision == "paper"

    sent = client.post(f"{url}/submit", headers={"Idempotency-Key": "kirim-1"})
    assert sent.status_code == 200, sent.content
    number = sent.json()["tracking_number"]
    assert number.startswith("P-")
    again = client.post(f"{url}/submit", headers={"Idempotency-Key": "kirim-1"})
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["tracking_number"] == number
    application = Application.objects.get()
    assert application.status == Status.SUBMITTED
    assert application.timeline.filter(to_status=Status.SUBMITTED).count() == 1
    kept = str(list(IdempotentAnswer.objects.values_list("body", flat=True)))
    assert str(application.public_id) in kept
    assert NIK not in kept  # the answers stay sealed in the application, never copied here


def test_a_create_sent_twice_with_its_key_makes_one_draft(cast: Cast) -> None:
    service = build_service(cast)
    client = token_client(cast.siti)
    headers = {"Idempotency-Key": "mulai-1"}
    first = client.post(
        "/api/v1/applications", {"service": service.slug}, content_type="application/json", headers=headers
    )
    second = client.post(
        "/api/v1/applications", {"service": service.slug}, content_type="application/json", headers=headers
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Application.objects.count() == 1


def test_nobody_but_the_applicant_changes_an_application(cast: Cast) -> None:
    service = build_service(cast)
    draft = _started(token_client(cast.siti), service.slug)
    url = f"/api/v1/applications/{draft['id']}"
    step = {"step": 1, "answers": {"alamat_tujuan": "Jl. Lain", "nik_pemohon": NIK}}
    assert (
        token_client(other_citizen()).put(f"{url}/steps/1", step, content_type="application/json").status_code
        == 403
    )
    assert (
        token_client(cast.budi, ["read", "applications"])
        .put(f"{url}/steps/1", step, content_type="application/json")
        .status_code
        == 403
    )
    assert Client().put(f"{url}/steps/1", step, content_type="application/json").status_code == 401
    assert (
        token_client(cast.siti, ["read"])
        .put(f"{url}/steps/1", step, content_type="application/json")
        .status_code
        == 403
    )
    assert Application.objects.get().answers.get("alamat_tujuan") in (None, "")


def test_the_applicant_cancels_and_a_stale_version_is_refused(cast: Cast) -> None:
    application = build_submitted(cast)
    client = token_client(cast.siti)
    url = f"/api/v1/applications/{application.tracking_number}"
    stale = client.post(
        f"{url}/cancel", {"expected_version": application.version - 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert Application.objects.get().status == Status.SUBMITTED
    done = client.post(
        f"{url}/cancel", {"expected_version": application.version}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    assert Application.objects.get().status == Status.WITHDRAWN


def test_the_office_claims_and_asks_for_a_revision_the_citizen_reads(cast: Cast) -> None:
    application = build_submitted(cast)
    officer = token_client(cast.budi, ["read", "staff"])
    url = f"/api/v1/applications/{application.public_id}"
    queue = officer.get("/api/v1/staff/queues/applications?bucket=new")
    assert queue.status_code == 200
    assert [item["tracking_number"] for item in queue.json()["items"]] == [application.tracking_number]
    assert token_client(cast.andi, ["read", "staff"]).get(
        "/api/v1/staff/queues/applications?bucket=new&office=disdukcapil"
    ).status_code in (403, 404)

    claimed = officer.post(
        f"{url}/transitions",
        {"action": "claim", "expected_version": application.version},
        content_type="application/json",
    )
    assert claimed.status_code == 200, claimed.content
    assert Application.objects.get().status == Status.VERIFYING
    refused = token_client(cast.andi, ["read", "staff"]).post(
        f"{url}/transitions",
        {"action": "reject", "expected_version": claimed.json()["version"], "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    by_citizen = token_client(cast.siti).post(
        f"{url}/transitions", {"action": "claim", "expected_version": 0}, content_type="application/json"
    )
    assert by_citizen.status_code == 403
    assert by_citizen.json()["error"]["code"] == "scope_missing"

    revision = officer.post(
        f"{url}/transitions",
        {
            "action": "request_revision",
            "expected_version": claimed.json()["version"],
            "message": "Foto KK buram, unggah ulang.",
            "files": {"kk": "Foto KK buram."},
        },
        content_type="application/json",
    )
    assert revision.status_code == 200, revision.content
    assert Application.objects.get().status == Status.REVISION
    seen = token_client(cast.siti).get(url).json()
    assert seen["status"] == "revision"
    assert "Foto KK buram" in seen["revision_message"]
    assert Client().get(url).status_code == 401

    # The citizen revises: the flagged file again, then resubmits; the officer has it back.
    citizen = token_client(cast.siti)
    other_item = citizen.post(f"{url}/requirements/ktp", {"provision": "paper"})
    assert other_item.status_code == 409  # not asked for
    again = citizen.post(f"{url}/requirements/kk", {"provision": "upload", "file": png_upload()})
    assert again.status_code == 200, again.content
    resent = citizen.post(f"{url}/submit", headers={"Idempotency-Key": "perbaikan-1"})
    assert resent.status_code == 200, resent.content
    assert Application.objects.get().status == Status.VERIFYING
    assert Attachment.objects.filter(requirement__code="kk", is_current=True).count() == 1


def test_a_token_with_only_the_applications_scope_applies_but_lists_nothing(cast: Cast) -> None:
    service = build_service(cast)
    client = token_client(cast.siti, ["applications"])
    draft = _started(client, service.slug)
    assert draft["status"] == "draft"
    assert Application.objects.get().applicant == cast.siti
    assert client.get("/api/v1/applications").status_code == 403
    assert client.get(f"/api/v1/applications/{draft['id']}").status_code == 403
