"""Filters out of range are the asker's mistake, answered plainly, never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.audit.tests.conftest import record

LIST = reverse("audit:event_list")
HUGE = "9" * 30


@pytest.mark.parametrize("params", [{"actor": HUGE}, {"before": HUGE}, {"until": "9999-12-31"}])
def test_an_id_or_a_date_out_of_range_is_a_validation_message_not_a_500(client, cast, params):
    record(actor=cast.budi, action="identity.set", obj=cast.siti)
    sign_in(client, cast.auditor)

    response = client.get(LIST, params)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert "identity.set" not in body  # nothing is listed under a filter that could not be read
    assert AuditEvent.objects.count() == 1


def test_an_object_history_paged_before_an_impossible_id_is_a_bad_request(client, cast):
    record(actor=cast.budi, action="identity.set", obj=cast.siti)
    url = reverse("audit:object_history", args=["accounts.user", str(cast.siti.pk)])
    sign_in(client, cast.auditor)

    assert client.get(url, {"before": HUGE}).status_code == 400
    assert client.get(url).status_code == 200


def test_those_who_may_not_read_the_log_are_refused_whatever_the_filter(client, cast):
    sign_in(client, cast.budi)
    assert client.get(LIST, {"actor": HUGE}).status_code == 403
