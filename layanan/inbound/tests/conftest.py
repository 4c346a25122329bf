"""Every inbound test runs with the webhooks' secrets set (see builders.py)."""

from __future__ import annotations

from typing import Any

import pytest

from layanan.inbound.tests.builders import SMS_SECRET, WA_SECRET, WA_VERIFY
from layanan.notifications.tests.providers import fake_twilio  # noqa: F401  # fixture (test_twilio.py)


@pytest.fixture(autouse=True)
def _webhook_secrets(settings: Any) -> None:
    settings.SMS_WEBHOOK_SECRET = SMS_SECRET
    settings.WHATSAPP_APP_SECRET = WA_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = WA_VERIFY
    settings.NOTIFY_CHANNELS = ["whatsapp", "sms", "email"]
