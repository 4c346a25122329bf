"""Reports through the API: filing (once per Idempotency-Key), reading, support, rating, staff steps."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from layanan.api.models import IdempotentAnswer
from layanan.api.tests.builders import bearer, issued, token_client
from layanan.complaints.models import Category, Report, Status, Support
from layanan.complaints.tests import domain_builders as built
from layanan.complaints.tests.citizen_builders import jpeg, photo_upload
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

TEXT = "Jembatan gantung di dusun dua putus sejak banjir minggu lalu, anak sekolah memutar jauh."


def _form(cast: Cast, **extra: object) -> dict[str, object]:
    category = Category.objects.filter(slug="jalan-jembatan").first() or built.category(
        cast.world.pupr, slug="jalan-jembatan"
    )
    return {
        "category": category.slug,
        "text": TEXT,
        "region": cast.world.kotabumi_pasar.code,
        "latitude": "-4.834000",
        "longitude": "104.883000",
        **extra,
    }


def test_a_report_is_filed_once_however_often_the_same_key_is_sent(cast: Cast) -> None:
    client = token_client(cast.siti)
    form = _form(cast, photos=photo_upload(jpeg()))
    first = client.post("/api/v1/reports", form, headers={"Idempotency-Key": "laporan-1"})
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["tracking_number"].startswith("A-")
    assert body["yours"] is True
    report = Report.objects.get()
    assert report.channel == "api"
    assert report.reporter == cast.siti
    assert report.photos.count() == 1

    form = _form(cast, photos=photo_upload(jpeg()))
    form["category"] = "jalan-jembatan"
    again = client.post("/api/v1/reports", form, headers={"Idempotency-Key": "laporan-1"})
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["tracking_number"] == body["tracking_number"]
    assert Report.objects.count() == 1
    assert TEXT not in str(list(IdempotentAnswer.objects.values_list("body", flat=True)))

    other = client.post(
        "/api/v1/reports",
        {**_form(cast), "text": TEXT + " Mohon segera."},
        headers={"Idempotency-Key": "laporan-1"},
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Report.objects.count() == 1


def test_a_refused_report_says_why_in_both_languages_and_stores_nothing(cast: Cast) -> None:
    client = token_client(cast.siti)
    answer = client.post("/api/v1/reports", _form(cast, text="Rusak."), headers={"Idempotency-Key": "k"})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "refused"
    assert "paling sedikit" in error["message"]
    assert "at least" in error["message_en"]
    assert not Report.objects.exists()
    # The key was not spent on a refusal: the corrected report goes through with it.
    assert client.post("/api/v1/reports", _form(cast), headers={"Idempotency-Key": "k"}).status_code == 201
    assert Report.objects.count() == 1


def test_filing_needs_an_account_and_the_reports_scope(cast: Cast) -> None:
    assert Client().post("/api/v1/reports", _form(cast)).status_code == 401
    read_only = token_client(cast.siti, ["read"])
    answer = read_only.post("/api/v1/reports", _form(cast))
    assert answer.status_code == 403
    assert answer.json()["error"]["required_scope"] == "reports"
    assert not Report.objects.exists()


def test_an_anonymous_report_never_names_its_reporter_to_the_office(cast: Cast) -> None:
    report = built.disposed(cast, built.submitted(cast, anonymous=True))
    staff = token_client(cast.budi, ["read", "staff"])
    answer = staff.get(f"/api/v1/reports/{report.public_id}")
    assert answer.status_code == 200
    text = answer.content.decode()
    assert cast.siti.full_name not in text
    assert cast.siti.phone not in text
    assert answer.json()["yours"] is False
    queue = staff.get("/api/v1/staff/queues/reports?bucket=new")
    assert queue.status_code == 200
    assert [item["tracking_number"] for item in queue.json()["items"]] == [report.tracking_number]
    assert cast.siti.full_name not in queue.content.decode()


def test_another_citizen_and_an_unrelated_office_cannot_read_a_report(cast: Cast) -> None:
    report = built.disposed(cast, built.submitted(cast))
    assert (
        token_client(cast.andi, ["read", "staff"]).get(f"/api/v1/reports/{report.public_id}").status_code
        == 403
    )
    from layanan.complaints.tests.citizen_builders import other_citizen

    assert token_client(other_citizen()).get(f"/api/v1/reports/{report.tracking_number}").status_code == 403
    assert Client().get(f"/api/v1/reports/{report.public_id}").status_code == 403
    assert token_client(cast.siti).get(f"/api/v1/reports/{report.tracking_number}").status_code == 200


def test_the_office_takes_its_steps_and_the_reporter_rates_the_answer(cast: Cast) -> None:
    report = built.disposed(cast, built.submitted(cast))
    staff = token_client(cast.budi, ["read", "staff"])
    url = f"/api/v1/reports/{report.public_id}"
    version = staff.get(url).json()["version"]
    assert "start" in staff.get(url).json()["actions"]
    stale = staff.post(
        f"{url}/transitions",
        {"action": "start", "expected_version": version - 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    started = staff.post(
        f"{url}/transitions",
        {"action": "start", "expected_version": version},
        content_type="application/json",
    )
    assert started.status_code == 200, started.content
    assert Report.objects.get(pk=report.pk).status == Status.IN_PROGRESS
    answered = staff.post(
        f"{url}/transitions",
        {
            "action": "answer",
            "expected_version": started.json()["version"],
            "message": "Jembatan sudah diperbaiki.",
        },
        content_type="application/json",
    )
    assert answered.status_code == 200
    assert Report.objects.get(pk=report.pk).status == Status.ANSWERED

    andi = token_client(cast.andi, ["read", "staff"])
    refused = andi.post(
        f"{url}/transitions",
        {"action": "answer", "expected_version": 0, "message": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    citizen_steps = token_client(cast.siti, ["read", "reports"])
    no_staff_scope = citizen_steps.post(
        f"{url}/transitions", {"action": "start", "expected_version": 0}, content_type="application/json"
    )
    assert no_staff_scope.status_code == 403

    rated = citizen_steps.post(f"{url}/rating", {"satisfied": True}, content_type="application/json")
    assert rated.status_code == 200, rated.content
    assert Report.objects.get(pk=report.pk).satisfied is True


def test_a_resident_supports_a_public_report_once(cast: Cast) -> None:
    report = built.disposed(cast, built.submitted(cast))
    from layanan.complaints.tests.citizen_builders import other_citizen

    neighbour = token_client(other_citizen(), ["reports"])
    first = neighbour.post(f"/api/v1/reports/{report.tracking_number}/support")
    assert first.status_code == 200, first.content
    assert first.json() == {"supported": True, "supporters": 1}
    assert neighbour.post(f"/api/v1/reports/{report.tracking_number}/support").json()["supporters"] == 1
    assert Support.objects.filter(report=report).count() == 1
    assert Client().post(f"/api/v1/reports/{report.tracking_number}/support").status_code == 401


def test_the_public_list_shows_no_confidential_report_and_no_reporter(cast: Cast) -> None:
    shown = built.disposed(cast, built.submitted(cast))
    hidden = built.disposed(cast, built.submitted(cast, confidential=True))
    answer = Client().get("/api/v1/reports/public")
    assert answer.status_code == 200
    numbers = [item["tracking_number"] for item in answer.json()["items"]]
    assert numbers == [shown.tracking_number]
    assert answer.json()["count"] == 1
    assert Client().get(f"/api/v1/reports/public/{hidden.public_id}").status_code == 404
    assert cast.siti.full_name not in answer.content.decode()


def test_calls_beyond_the_limit_get_429_with_retry_after(cast: Cast, settings: object) -> None:
    settings.API_RATE_PER_ADDRESS = 3  # type: ignore[attr-defined]
    settings.API_RATE_PER_TOKEN = 5  # type: ignore[attr-defined]
    settings.API_RATE_WINDOW_SECONDS = 86_400  # type: ignore[attr-defined]  # no window ends mid-test
    cache.clear()
    anonymous = Client()
    answers = [anonymous.get("/api/v1/categories").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = anonymous.get("/api/v1/categories")
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 86_400
    # A token is counted as itself, not by the address it shares.
    made = issued(cast.siti, ["read"])
    assert [Client(headers=bearer(made.raw)).get("/api/v1/categories").status_code for _ in range(6)] == [
        200
    ] * 5 + [429]


def test_a_token_with_only_the_reports_scope_files_and_rates_but_reads_nothing_else(cast: Cast) -> None:
    filer = token_client(cast.siti, ["reports"])
    made = filer.post("/api/v1/reports", _form(cast))
    assert made.status_code == 201, made.content
    assert made.json()["yours"] is True
    assert Report.objects.count() == 1
    assert filer.get(f"/api/v1/reports/{made.json()['id']}").status_code == 403  # reading needs "read"
    answered = built.answered(cast, built.submitted(cast))
    rated = filer.post(
        f"/api/v1/reports/{answered.public_id}/rating", {"satisfied": False}, content_type="application/json"
    )
    assert rated.status_code == 200, rated.content
    assert Report.objects.get(pk=answered.pk).satisfied is False
