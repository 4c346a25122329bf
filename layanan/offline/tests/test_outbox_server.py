"""What the outbox relies on from the server: a report sent again with its submit key (the answer was
lost mid-upload, or the person pressed send again) is filed once and answered with the first result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.complaints.models import Report
from layanan.complaints.tests import citizen_builders as build
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

NEW = reverse("complaints:new")


def test_a_repeat_with_the_same_key_returns_the_same_tracking_number(cast: Cast) -> None:
    data = build.form_data(cast, confirm="1")  # as the outbox sends it
    first = build.client_of(cast.siti).post(NEW, data, files=None)
    second = build.client_of(cast.siti).post(NEW, data)  # another connection, the same key
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    report = Report.objects.get()
    assert str(report.submit_key) == data["submit_key"]
    done = build.client_of(cast.siti).get(second["Location"])
    assert done.status_code == 200
    assert f'<strong class="tracking-number">{report.tracking_number}</strong>' in done.content.decode()


def test_another_account_cannot_reuse_a_key_nor_learn_the_first_report(cast: Cast) -> None:
    data = build.form_data(cast, confirm="1")
    assert build.client_of(cast.siti).post(NEW, data).status_code == 302
    report = Report.objects.get()
    other = build.client_of(build.other_citizen()).post(NEW, data)
    assert other.status_code == 200
    html = other.content.decode()
    assert "Formulir ini sudah dipakai" in html
    assert report.tracking_number not in html
    assert Report.objects.count() == 1
