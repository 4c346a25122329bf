"""Many creators at once never get the same number.

The random source is narrowed to a few hundred or thousand values, so that
concurrent creators really do draw the same number and the unique registry
with its retry has to sort them out.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections

from layanan.core.tests.processes import ProcessDatabase, make_process_database, spawn_shell
from layanan.tracking import codes
from layanan.tracking.codes import ALPHABET, TrackingKind, tracking_number_is_valid
from layanan.tracking.models import TrackingNumber
from layanan.tracking.services import tracking_number_new


@pytest.fixture
def process_database(request: pytest.FixtureRequest, tmp_path: Path) -> ProcessDatabase:
    return make_process_database(request, tmp_path)


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL's concurrent writers: threads share SQLite's in-memory test database, "
    "which answers 'database table is locked' instead of waiting; the process test below covers SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_eight_threads_creating_fifty_numbers_each_get_unique_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = ["".join(secrets.choice(ALPHABET) for _ in range(codes.RANDOM_LENGTH)) for _ in range(4000)]
    draws: list[int] = []

    def narrow() -> str:
        draws.append(1)
        return secrets.choice(pool)

    monkeypatch.setattr(codes, "random_part", narrow)
    threads, each = 8, 50
    created: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def creator() -> None:
        try:
            start.wait()
            mine = [tracking_number_new(kind=TrackingKind.PERMOHONAN) for _ in range(each)]
            with lock:
                created.extend(mine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=creator) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert not errors, errors
    assert len(created) == threads * each
    assert len(set(created)) == len(created)
    assert TrackingNumber.objects.count() == len(created)
    assert set(TrackingNumber.objects.values_list("code", flat=True)) == set(created)
    assert all(tracking_number_is_valid(code) for code in created)
    assert len(draws) > len(created)  # some draws collided and were retried


CHILD = """
import json, random, secrets, time
from pathlib import Path
from layanan.tracking import codes
from layanan.tracking.services import tracking_number_new
rng = random.Random(1707)  # the same narrow pool in every process
pool = ["".join(rng.choice(codes.ALPHABET) for _ in range(codes.RANDOM_LENGTH)) for _ in range(500)]
draws = []
def narrow():
    draws.append(1)
    return secrets.choice(pool)
codes.random_part = narrow
Path({ready!r}).touch()
while not Path({go!r}).exists():
    time.sleep(0.01)
made = [tracking_number_new(kind="A") for _ in range({each})]
print(json.dumps({{"made": made, "draws": len(draws)}}))
"""


def test_four_processes_creating_at_once_get_unique_numbers(
    process_database: ProcessDatabase, tmp_path: Path
) -> None:
    processes, each = 4, 25
    go = tmp_path / "go"
    children = []
    try:
        for number in range(processes):
            code = CHILD.format(ready=str(tmp_path / f"ready-{number}"), go=str(go), each=each)
            children.append(spawn_shell(code, process_database))
        deadline = time.monotonic() + 120
        while not all((tmp_path / f"ready-{n}").exists() for n in range(processes)):
            assert time.monotonic() < deadline, "the creator processes did not start"
            assert all(child.poll() is None for child in children), [
                c.stderr.read() for c in children if c.stderr
            ]
            time.sleep(0.05)
        go.touch()
        outputs = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()

    assert [child.returncode for child in children] == [0] * processes, [err for _, err in outputs]
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    created = [code for result in results for code in result["made"]]
    assert len(created) == processes * each
    assert len(set(created)) == len(created)
    assert all(tracking_number_is_valid(code) for code in created)
    assert sum(result["draws"] for result in results) > len(created)  # collisions happened and were retried
    stored = process_database.python(
        "import json; from layanan.tracking.models import TrackingNumber as T; "
        "print(json.dumps(sorted(T.objects.values_list('code', flat=True))))"
    )
    assert stored == sorted(created)
