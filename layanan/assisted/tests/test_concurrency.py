"""A walk-in registered twice at the same moment (the form sent again from a flaky connection, or two
counters at once): one citizen, and both answers name that citizen. Real threads with their own
database connections, so the transactions are committed (``transaction=True``)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from layanan.accounts.models import User
from layanan.assisted import services
from layanan.assisted.tests.helpers import VILLAGER_NIK, VILLAGER_PHONE
from layanan.core.crypto import blind_index
from layanan.testing import Cast

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database shares one cache between connections and refuses a "
        "second writer ('database table is locked') instead of queueing it; a SQLite file serialises "
        "writers (BEGIN IMMEDIATE), so the two registrations cannot interleave there",
    ),
]


@pytest.mark.parametrize("phone", [VILLAGER_PHONE, ""])
def test_the_same_walk_in_registered_twice_at_once_is_one_citizen(
    cast: Cast, phone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = threading.Barrier(2)
    answers: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    first_done = threading.Event()
    lookups: list[str] = []
    lookup = services._registered

    def the_worst_order(actor: User, nik: str) -> User | None:
        """The second lookup waits, its answer in hand, until the first registration is committed:
        the order that once gave two accounts (the second found the NIK held and filed a dispute)."""
        found = lookup(actor, nik)
        lookups.append(threading.current_thread().name)
        if len(lookups) == 2:
            first_done.wait(timeout=10)
        return found

    monkeypatch.setattr(services, "_registered", the_worst_order)

    def register() -> None:
        try:
            start.wait()
            citizen, created = services.citizen_register(
                actor=cast.rini,
                full_name="Pak Darmo",
                phone=phone,
                nik=VILLAGER_NIK,
                home_region=cast.world.tanjung_raja_desa,
            )
            answers.append((citizen.pk, created))
        except BaseException as error:  # the test reports whatever a thread raised
            errors.append(error)
        finally:
            connections.close_all()
            first_done.set()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    registered = User.objects.filter(nik_hash=blind_index(VILLAGER_NIK, purpose="nik"))
    assert registered.count() == 1
    assert User.objects.filter(full_name="Pak Darmo").count() == 1
    assert sorted(answers) == [(registered.get().pk, False), (registered.get().pk, True)]
