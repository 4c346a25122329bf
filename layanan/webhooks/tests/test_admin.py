"""The admin: a subscription's secret shown once and stored sealed; rotation; replay; refusals."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.complaints.tests.domain_builders import submitted
from layanan.webhooks.delivery import secrets_in_use
from layanan.webhooks.models import Delivery, Subscription
from layanan.webhooks.tests.helpers import run_all, send_due, subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhooks_on")]

ADD = "admin:webhooks_subscription_add"


def _form(cast, receiver) -> dict[str, object]:
    return {
        "description": "OpenSID Desa Tanjung Raja",
        "owner": cast.rini.pk,
        "url": receiver.url,
        "events": ["report.received", "report.closed"],
        "is_active": "on",
    }


def test_an_administrator_creates_a_subscription_and_sees_its_secret_once(cast, client, receiver):
    sign_in(client, cast.admin)

    response = client.post(reverse(ADD), _form(cast, receiver))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    subscription = Subscription.objects.get()
    assert subscription.owner == cast.rini
    assert subscription.events == ["report.closed", "report.received"]
    assert subscription.secret.startswith("whsec_")
    assert subscription.secret in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_subscription WHERE id = %s", [subscription.pk])
        [stored] = cursor.fetchone()
    assert subscription.secret not in stored  # sealed at rest
    change = client.get(reverse("admin:webhooks_subscription_change", args=[subscription.pk]))
    assert change.status_code == 200
    assert subscription.secret not in change.content.decode()
    audit = AuditEvent.objects.get(action="webhooks.subscription_create")
    assert audit.details == {"host": "127.0.0.1", "events": ["report.closed", "report.received"]}


def test_a_non_http_url_is_refused_with_a_plain_message(cast, client, receiver):
    sign_in(client, cast.admin)

    response = client.post(reverse(ADD), {**_form(cast, receiver), "url": "ftp://contoh.go.id/hook"})

    assert response.status_code == 200
    assert "harus diawali http:// atau https://" in response.content.decode()
    assert not Subscription.objects.exists()


def test_staff_who_are_not_administrators_are_refused(cast, client, receiver):
    sign_in(client, cast.budi)

    for response in (client.get(reverse(ADD)), client.post(reverse(ADD), _form(cast, receiver))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert not Subscription.objects.exists()


def test_rotating_shows_the_new_secret_once_and_the_old_one_still_signs_for_a_while(cast, client, receiver):
    subscription, old = subscribe(cast.admin, receiver.url, ["report.received"])
    sign_in(client, cast.admin)

    response = client.post(
        reverse("admin:webhooks_subscription_changelist"),
        {"action": "rotate_secret", "_selected_action": [subscription.pk]},
    )

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.secret != old
    assert subscription.secret in response.content.decode()
    assert old not in response.content.decode()
    assert secrets_in_use(subscription) == [subscription.secret, old]
    assert AuditEvent.objects.filter(action="webhooks.secret_rotate", object_id=str(subscription.pk)).exists()


def test_an_administrator_replays_a_delivery_from_the_admin(cast, client, receiver):
    subscribe(cast.admin, receiver.url, ["report.received"])
    submitted(cast)
    run_all()
    first = Delivery.objects.get()
    sign_in(client, cast.admin)

    response = client.post(
        reverse("admin:webhooks_delivery_changelist"),
        {"action": "replay_deliveries", "_selected_action": [str(first.pk)]},
    )

    assert response.status_code == 302
    assert Delivery.objects.filter(event=first.event, replay=1).count() == 1
    assert send_due() == ["delivered"]
    assert len(receiver.requests) == 2
    assert AuditEvent.objects.filter(action="webhooks.delivery_replay", actor=cast.admin).count() == 1


def test_the_delivery_log_is_refused_to_the_auditor_and_staff(cast, client, receiver):
    subscribe(cast.admin, receiver.url, ["report.received"])
    submitted(cast)
    run_all()
    first = Delivery.objects.get()
    for persona in (cast.budi, cast.auditor):
        sign_in(client, persona)
        response = client.post(
            reverse("admin:webhooks_delivery_changelist"),
            {"action": "replay_deliveries", "_selected_action": [str(first.pk)]},
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert Delivery.objects.count() == 1
    assert not AuditEvent.objects.filter(action="webhooks.delivery_replay").exists()


def test_the_admin_lists_show_deliveries_and_paused_subscriptions(cast, client, receiver):
    subscription, _secret = subscribe(cast.admin, receiver.url, ["report.received"])
    Subscription.objects.filter(pk=subscription.pk).update(paused_at="2026-01-01T00:00:00Z")
    sign_in(client, cast.admin)

    listing = client.get(reverse("admin:webhooks_subscription_changelist"))

    assert listing.status_code == 200
    assert "dijeda" in listing.content.decode()
    assert client.get(reverse("admin:webhooks_delivery_changelist")).status_code == 200
    assert client.get(reverse("admin:webhooks_event_changelist")).status_code == 200
