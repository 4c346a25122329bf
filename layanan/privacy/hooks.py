"""What the privacy app hands to lower apps at start-up (they never import it).

- the notification events it sends (``privacy.*``), added to the registry of
  :mod:`layanan.notifications.events`;
- the check that stops survey invitations to people who withdrew consent, registered with
  :func:`layanan.survey.signals.invite_withheld_register` (used by the signal and the backfill task).
"""

from __future__ import annotations

from django.db.models import QuerySet

from layanan.accounts.models import User
from layanan.notifications.events import EVENTS, Event, Texts
from layanan.privacy.models import Purpose
from layanan.privacy.selectors import users_without_consent
from layanan.survey.signals import invite_withheld_register

PRIVACY_EVENTS: tuple[Event, ...] = (
    Event(
        key="privacy.request_received",
        essential=True,
        audience="staff",
        texts={
            "id": Texts(
                "Permohonan data pribadi {tracking_number} masuk. Jawab dalam 3 x 24 jam.",
                "Permohonan data pribadi {tracking_number}",
            ),
            "en": Texts(
                "Personal-data request {tracking_number} arrived. Answer within 3 x 24 hours.",
                "Personal-data request {tracking_number}",
            ),
        },
    ),
    Event(
        key="privacy.request_overdue",
        essential=True,
        audience="staff",
        texts={
            "id": Texts(
                "Permohonan data pribadi {tracking_number} melewati batas 3 x 24 jam.",
                "Permohonan data pribadi {tracking_number} terlambat",
            ),
            "en": Texts(
                "Personal-data request {tracking_number} is past its 3 x 24 hour deadline.",
                "Personal-data request {tracking_number} is late",
            ),
        },
    ),
    Event(
        key="privacy.request_answered",
        essential=True,
        audience="citizen",
        texts={
            "id": Texts(
                "Halo {first_name}, permohonan data pribadi {tracking_number} sudah dijawab. "
                "Buka Data saya di akun Anda.",
                "Permohonan data pribadi {tracking_number} dijawab",
            ),
            "en": Texts(
                "Hello {first_name}, personal-data request {tracking_number} was answered. "
                "Open My data in your account.",
                "Personal-data request {tracking_number} answered",
            ),
        },
    ),
    # Pasal 46(1): the notice to the people a breach touched (docs/breach-response.md).
    Event(
        key="privacy.breach_notice",
        essential=True,
        audience="citizen",
        texts={
            "id": Texts(
                "Halo {first_name}, Pemkab menemukan insiden keamanan ({tracking_number}) yang mungkin "
                "mengenai data pribadi Anda. Apa yang terjadi dan langkah kami: {link}",
                "Pemberitahuan insiden data pribadi {tracking_number}",
            ),
            "en": Texts(
                "Hello {first_name}, the regency found a security incident ({tracking_number}) that may "
                "involve your personal data. What happened and what we do: {link}",
                "Personal-data incident notice {tracking_number}",
            ),
        },
    ),
)


def _survey_withheld() -> QuerySet[User]:
    return users_without_consent(Purpose.SURVEY)


def connect() -> None:
    for event in PRIVACY_EVENTS:
        EVENTS.setdefault(event.key, event)
    invite_withheld_register(_survey_withheld)
