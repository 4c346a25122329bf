from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from layanan.audit.models import AuditEvent
from layanan.audit.services import audit_record
from layanan.audit.tests.conftest import record

NIK = "1803024505900001"


def _request(remote: str = "198.51.100.4", forwarded: str | None = None, agent: str = "Firefox/140"):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_USER_AGENT=agent)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_it_writes_who_did_what_to_which_object_when_and_from_where(cast):
    event = audit_record(
        actor=cast.budi,
        action="identity.set",
        obj=cast.siti,
        request=_request(),
        details={"field": "nik", "verified": True},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == cast.budi
    assert stored.actor_label == "Budi Santoso"
    assert stored.actor_role == "officer"
    assert stored.action == "identity.set"
    assert (stored.object_type, stored.object_id) == ("accounts.user", str(cast.siti.pk))
    assert stored.source_address == "198.51.100.4"
    assert stored.user_agent == "Firefox/140"
    assert stored.details == {"field": "nik", "verified": True}
    assert abs(stored.occurred_at - timezone.now()) < timedelta(minutes=1)
    assert event.occurred_at == stored.occurred_at
    assert (stored.seal, stored.sequence, stored.hash) == (None, None, "")


def test_it_records_the_system_or_a_visitor_without_an_actor(db):
    for actor in (None, AnonymousUser()):
        event = record(actor=actor, action="auth.login_failed")
        assert (event.actor_id, event.actor_label, event.actor_role) == (None, "", "")
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2


def test_the_actor_snapshot_outlives_a_change_of_name(cast):
    event = record(actor=cast.siti)
    cast.siti.full_name = "Siti Aminah Putri"
    cast.siti.save(update_fields=["full_name"])
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "Siti Aminah"


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.4", "203.0.113.9", "198.51.100.4"),  # the header is ignored: it can be forged
        (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged entry on the left is skipped
        (2, "10.0.0.3", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "10.0.0.3", "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the outermost
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "203.0.113.9:51234", "203.0.113.9"),
        (1, "10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
    ],
)
def test_it_takes_the_source_address_from_the_trusted_proxy(
    db, settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    event = record(request=_request(remote=remote, forwarded=forwarded))
    assert AuditEvent.objects.get(pk=event.pk).source_address == expected


def test_it_truncates_a_long_user_agent(db):
    event = record(request=_request(agent="x" * 1000))
    assert AuditEvent.objects.get(pk=event.pk).user_agent == "x" * 255


@pytest.mark.parametrize(
    "details",
    [
        {"note": f"NIK {NIK} diperiksa"},
        {"note": "NIK 1803 0245 0590 0001 diperiksa"},
        {"nik": int(NIK)},
        {"nested": [{"kk": f"KK-{NIK}"}]},
        {NIK: "as a key"},
    ],
)
def test_it_never_stores_a_nik_or_kk_in_the_details(db, details):
    event = record(details=details)
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM audit_auditevent WHERE id = %s", [event.pk])
        stored_text = str(cursor.fetchone()[0])
    assert NIK not in stored_text.replace(" ", "")
    assert "[16 digit disamarkan]" in stored_text


def test_it_keeps_numbers_that_are_not_nik_shaped(db):
    event = record(details={"phone": "+6281200000001", "count": 42, "amount": 1500000.5})
    assert AuditEvent.objects.get(pk=event.pk).details == {
        "phone": "+6281200000001",
        "count": 42,
        "amount": 1500000.5,
    }


@pytest.mark.parametrize("action", ["login", "Auth.Login", "auth..login", "auth.login!", "a." + "b" * 70])
def test_it_refuses_an_action_that_is_not_a_dotted_name(db, action):
    with pytest.raises(ValueError, match="dotted"):
        record(action=action)
    assert not AuditEvent.objects.exists()


def test_it_refuses_an_unsaved_object(db):
    from layanan.accounts.models import User

    with pytest.raises(ValueError, match="saved object"):
        record(obj=User(phone="+6281299999999"))
    assert not AuditEvent.objects.exists()
