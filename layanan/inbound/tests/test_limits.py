"""Floods: per sender (a window, a day) and platform-wide; one refusal per window, then silence."""

from __future__ import annotations

import pytest

from layanan.inbound.models import InboundMessage, Outcome
from layanan.inbound.tests.builders import STRANGER, new_id, post_sms
from layanan.notifications.models import Message

pytestmark = pytest.mark.django_db


def outcomes():
    return list(InboundMessage.objects.order_by("pk").values_list("outcome", flat=True))


def test_a_sender_over_the_limit_is_told_once_then_ignored(world, client, settings):
    settings.INBOUND_SENDER_LIMIT = 3
    for _number in range(6):
        assert post_sms(client, text="halo").status_code == 200
    assert outcomes() == [Outcome.HELP] * 3 + [Outcome.LIMITED] * 3
    limited = InboundMessage.objects.filter(outcome=Outcome.LIMITED).order_by("pk")
    assert [m.reply.event if m.reply else None for m in limited] == ["inbound.refused", None, None]
    assert Message.objects.count() == 4  # three helps and one refusal


def test_the_limit_is_per_sender(world, client, settings):
    settings.INBOUND_SENDER_LIMIT = 1
    post_sms(client, text="halo")
    post_sms(client, text="halo")
    post_sms(client, text="halo", sender="081277776666")
    assert outcomes() == [Outcome.HELP, Outcome.LIMITED, Outcome.HELP]


def test_the_daily_limit_counts_across_windows(world, client, settings):
    settings.INBOUND_SENDER_LIMIT = 100
    settings.INBOUND_SENDER_DAILY_LIMIT = 2
    for _number in range(3):
        post_sms(client, text="halo")
    assert outcomes() == [Outcome.HELP, Outcome.HELP, Outcome.LIMITED]


def test_a_gateway_retry_is_not_counted_against_the_sender(world, client, settings):
    settings.INBOUND_SENDER_LIMIT = 2
    gateway_id = new_id()
    for _attempt in range(5):
        post_sms(client, text="halo", gateway_id=gateway_id)
    post_sms(client, text="halo")
    assert outcomes() == [Outcome.HELP, Outcome.HELP]


def test_a_platform_wide_flood_is_recorded_but_not_answered(world, client, settings):
    settings.INBOUND_GLOBAL_LIMIT = 2
    senders = ["081211110001", "081211110002", "081211110003", "081211110004"]
    for sender in senders:
        assert post_sms(client, text="halo", sender=sender).status_code == 200
    assert outcomes() == [Outcome.HELP, Outcome.HELP, Outcome.LIMITED, Outcome.LIMITED]
    assert InboundMessage.objects.filter(outcome=Outcome.LIMITED, reply__isnull=False).count() == 0
    assert Message.objects.count() == 2


def test_the_limit_reveals_no_sender_in_the_cache_keys(world, client, settings):
    from django.core.cache import cache

    settings.INBOUND_SENDER_LIMIT = 1
    post_sms(client, text="halo", sender=STRANGER)
    post_sms(client, text="halo", sender=STRANGER)
    keys = " ".join(str(key) for key in getattr(cache, "_cache", {}))  # locmem in tests
    assert "81299998888" not in keys
