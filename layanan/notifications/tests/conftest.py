"""The fakes of the SMS providers' APIs (tests/providers.py) as fixtures of the notification tests."""

from layanan.notifications.tests.providers import fake_twilio, fake_zenziva  # noqa: F401  # fixtures
