"""The notices of the Musrenbang cycle, added to :mod:`layanan.notifications.events` at start-up.

The proposer and every supporter of an usulan are told when it is taken into the plan, not taken,
and built (``tasks.usulan_tell``). The texts name no person and no usulan text: only the link.
"""

from __future__ import annotations

from layanan.notifications.events import EVENTS, Event, Texts

ACCEPTED = "aspiration.accepted"
NOT_ACCEPTED = "aspiration.not_accepted"
BUILT = "aspiration.built"

ASPIRATION_EVENTS: tuple[Event, ...] = (
    Event(
        key=ACCEPTED,
        essential=False,
        audience="citizen",
        texts={
            "id": Texts(
                "Halo {first_name}, usulan Musrenbang yang Anda ajukan atau dukung diterima masuk "
                "{status}. Lihat: {link}",
                "Usulan Musrenbang diterima",
            ),
            "en": Texts(
                "Hello {first_name}, the Musrenbang proposal you made or supported was taken into "
                "{status}. See: {link}",
                "Musrenbang proposal accepted",
            ),
        },
    ),
    Event(
        key=NOT_ACCEPTED,
        essential=False,
        audience="citizen",
        texts={
            "id": Texts(
                "Halo {first_name}, usulan Musrenbang yang Anda ajukan atau dukung belum diterima. "
                "Alasannya: {link}",
                "Usulan Musrenbang belum diterima",
            ),
            "en": Texts(
                "Hello {first_name}, the Musrenbang proposal you made or supported was not accepted. "
                "The reason: {link}",
                "Musrenbang proposal not accepted",
            ),
        },
    ),
    Event(
        key=BUILT,
        essential=False,
        audience="citizen",
        texts={
            "id": Texts(
                "Halo {first_name}, usulan Musrenbang yang Anda ajukan atau dukung sudah dibangun. "
                "Lihat: {link}",
                "Usulan Musrenbang sudah dibangun",
            ),
            "en": Texts(
                "Hello {first_name}, the Musrenbang proposal you made or supported has been built. "
                "See: {link}",
                "Musrenbang proposal built",
            ),
        },
    ),
)


def connect() -> None:
    for event in ASPIRATION_EVENTS:
        EVENTS.setdefault(event.key, event)
