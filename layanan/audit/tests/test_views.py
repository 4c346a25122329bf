from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.audit.tests.conftest import old_event, record
from layanan.audit.views import PAGE_SIZE

LIST = reverse("audit:event_list")


def _actions(response) -> list[str]:
    """The actions shown in the table, newest first, read from the HTML."""
    return re.findall(r"<td><code>([a-z0-9_.]+)</code><br>", response.content.decode())


def _get(client, user, url=LIST, **params):
    sign_in(client, user)
    return client.get(url, params)


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_auditors_and_administrators_read_the_log(client, cast, persona):
    record(actor=cast.budi, action="identity.set", obj=cast.siti)
    response = _get(client, getattr(cast, persona))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1>") == 1
    assert "<caption>" in body
    assert _actions(response) == ["identity.set"]
    assert "Budi Santoso" in body
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize("persona", ["siti", "budi", "andi", "rini", "bupati", "sekar"])
def test_everyone_else_is_refused(client, cast, persona):
    record(action="identity.set")
    assert _get(client, getattr(cast, persona)).status_code == 403
    history = reverse("audit:object_history", args=["accounts.user", str(cast.siti.pk)])
    assert _get(client, getattr(cast, persona), url=history).status_code == 403
    assert AuditEvent.objects.count() == 1


def test_a_visitor_is_sent_to_sign_in(client, db):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_filters_by_action_and_its_sub_actions(client, cast):
    record(action="auth.login")
    record(action="auth.logout")
    record(action="authority.changed")
    record(action="identity.set")
    assert _actions(_get(client, cast.auditor, action="auth")) == ["auth.logout", "auth.login"]
    assert _actions(_get(client, cast.auditor, action="auth.login")) == ["auth.login"]


def test_it_filters_by_actor_and_object(client, cast):
    record(actor=cast.budi, action="identity.set", obj=cast.siti)
    record(actor=cast.sekar, action="letter.signed", obj=cast.siti)
    record(actor=cast.budi, action="identity.cleared", obj=cast.rini)
    by_budi = _get(client, cast.auditor, actor=cast.budi.pk)
    assert _actions(by_budi) == ["identity.cleared", "identity.set"]
    about_siti = _get(client, cast.auditor, object_type="accounts.user", object_id=str(cast.siti.pk))
    assert _actions(about_siti) == ["letter.signed", "identity.set"]


def test_it_filters_by_local_date(client, cast):
    # 2026-01-05 23:30 WIB is 16:30 UTC; 2026-01-06 00:30 WIB is 17:30 UTC the day before.
    old_event(action="test.on_the_fifth", occurred_at=datetime(2026, 1, 5, 16, 30, tzinfo=UTC))
    old_event(action="test.on_the_sixth", occurred_at=datetime(2026, 1, 5, 17, 30, tzinfo=UTC))
    sixth = _get(client, cast.auditor, since="2026-01-06", until="2026-01-06")
    assert _actions(sixth) == ["test.on_the_sixth"]
    assert _actions(_get(client, cast.auditor, until="2026-01-05")) == ["test.on_the_fifth"]
    assert _actions(_get(client, cast.auditor, since="2026-01-07")) == []


def test_a_malformed_filter_is_shown_as_an_error_not_a_crash(client, cast):
    record(action="auth.login")
    response = _get(client, cast.auditor, actor="budi", since="kemarin")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert _actions(response) == []


def test_it_pages_backwards_from_the_newest(client, cast):
    events = [record(action="test.paged", details={"n": n}) for n in range(PAGE_SIZE + 5)]
    first = _get(client, cast.auditor)
    assert len(first.context["events"]) == PAGE_SIZE
    assert first.context["events"][0] == events[-1]
    assert first.context["older_query"] == f"before={events[5].pk}"
    older = _get(client, cast.auditor, before=events[5].pk)
    assert [e.pk for e in older.context["events"]] == [e.pk for e in reversed(events[:5])]
    assert older.context["older_query"] is None


def test_the_list_page_makes_the_same_queries_however_many_events(client, cast, django_assert_num_queries):
    sign_in(client, cast.auditor)
    record(actor=cast.budi, obj=cast.siti)
    # session, user, the page of events
    with django_assert_num_queries(3):
        client.get(LIST)
    for _ in range(30):
        record(actor=cast.budi, obj=cast.siti, request=None)
    with django_assert_num_queries(3):
        response = client.get(LIST)
    assert len(response.context["events"]) == 31


def test_the_object_history_shows_every_event_about_one_object(client, cast):
    record(actor=cast.budi, action="identity.set", obj=cast.siti)
    record(actor=cast.siti, action="auth.login", obj=cast.siti)
    record(actor=cast.budi, action="identity.set", obj=cast.rini)
    url = reverse("audit:object_history", args=["accounts.user", str(cast.siti.pk)])
    response = _get(client, cast.auditor, url=url)
    assert response.status_code == 200
    assert [e.action for e in response.context["events"]] == ["auth.login", "identity.set"]
    assert f"accounts.user #{cast.siti.pk}" in response.content.decode()


def test_the_pages_have_no_inline_style_or_script(client, cast):
    record(actor=cast.budi, action="identity.set", obj=cast.siti, details={"x": "<script>"})
    for url in (LIST, reverse("audit:object_history", args=["accounts.user", str(cast.siti.pk)])):
        body = _get(client, cast.auditor, url=url).content.decode()
        assert "style=" not in body
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)  # only scripts from files (strict CSP)
        assert "<script>" not in body  # the recorded detail stays escaped
        assert " onclick=" not in body
