"""Messages queued per second (notify) and sent per second through the fake gateway, against baselines.

Run with ``.venv/bin/python -m bench.notifications_bench [--messages N]``. With ``DATABASE_URL``
it uses that database (point it at a throwaway PostgreSQL one: the messages it writes stay
there); without, a fresh SQLite file under ``var/bench-notifications/``.

1. Queued: ``notify()`` N times (a new key each: the Message row, its sealed address and
   data, and the enqueued send task), against a plain INSERT of a one-column row measured in
   the same run.
2. Sent: ``message_deliver`` for each queued message over real HTTP to the fake gateway
   (SMS format), against a raw HTTP POST of the same JSON to the same gateway. The gateway
   must have delivered every message exactly once.

Compare the ratios between runs, not the absolute rates. Recorded
(``bench/results/notifications.json``): ``notifications.queued`` and ``notifications.sent``, each
ratio with both rates as raw figures; ``sent`` carries the exactly-once check.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
import urllib.request
from pathlib import Path

from bench.results import record

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "bench-notifications"


def _setup() -> None:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "layanan.settings",
            "VAR_DIR": str(WORKDIR),
            "DATABASE_URL": database_url,
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "WARNING",
            "NOTIFY_CHANNELS": "sms",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    _setup()
    from django.conf import settings
    from django.db import connection

    from layanan.notifications.delivery import message_deliver
    from layanan.notifications.models import Message
    from layanan.notifications.services import notify
    from layanan.notifications.testing import SMS_TOKEN, FakeGateway

    count = args.messages
    run = str(int(time.time()))
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} CPUs")

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_notify_baseline (id INTEGER PRIMARY KEY, v TEXT)")
        cursor.execute("DELETE FROM bench_notify_baseline")
        started = time.perf_counter()
        for n in range(count):
            cursor.execute("INSERT INTO bench_notify_baseline (id, v) VALUES (%s, %s)", [n + 1, f"row {n}"])
        baseline_insert = _rate(count, time.perf_counter() - started)

    started = time.perf_counter()
    ids = []
    for n in range(count):
        message = notify(
            to=f"0813{n:08d}",
            event="inbound.status",
            data={"tracking_number": f"LAP-2026-{n:06d}-X", "status": "Diproses"},
            key=f"bench:{run}:{n}",
        )
        assert message is not None
        ids.append(message.pk)
    queued = _rate(count, time.perf_counter() - started)
    print(
        f"queued: {queued:,.0f} messages/s with notify(); plain INSERT {baseline_insert:,.0f} rows/s "
        f"(ratio {queued / baseline_insert:.3f})"
    )

    with FakeGateway() as gateway:
        settings.NOTIFY_BACKENDS = {"whatsapp": "console", "sms": "http", "email": "console"}
        settings.SMS_GATEWAY_URL = gateway.sms_url
        settings.SMS_GATEWAY_TOKEN = SMS_TOKEN
        body = json.dumps({"to": "+6281300000000", "text": "Status LAP: Diproses.", "ref": "x"}).encode()
        started = time.perf_counter()
        for n in range(count):
            request = urllib.request.Request(  # noqa: S310  # our own fake on 127.0.0.1
                gateway.sms_url,
                data=body.replace(b'"x"', f'"raw{n}"'.encode()),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {SMS_TOKEN}"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                response.read()
        raw_post = _rate(count, time.perf_counter() - started)

        started = time.perf_counter()
        outcomes = [message_deliver(message_id=message_id) for message_id in ids]
        sent = _rate(count, time.perf_counter() - started)
        delivered = len(gateway.delivered) - count  # minus the raw baseline posts
    print(
        f"sent: {sent:,.0f} messages/s through the fake SMS gateway; raw HTTP POST {raw_post:,.0f}/s "
        f"(ratio {sent / raw_post:.3f})"
    )
    ok = outcomes.count("sent") == count and delivered == count
    ok = ok and Message.objects.filter(pk__in=ids, status="sent").count() == count
    print(f"gateway delivered {delivered} of {count} messages: " + ("each once" if ok else "MISMATCH"))
    record(
        "notifications",
        "notifications.queued",
        "Messages queued/s with notify() over plain one-row INSERTs",
        queued / baseline_insert,
        figures={
            "queued_per_s": round(queued),
            "insert_per_s": round(baseline_insert),
            "messages": count,
            "database": connection.vendor,
        },
    )
    record(
        "notifications",
        "notifications.sent",
        "Messages sent/s through the fake SMS gateway over raw HTTP POSTs",
        sent / raw_post,
        figures={"sent_per_s": round(sent), "raw_post_per_s": round(raw_post), "delivered": delivered},
        ok=ok,
        note="" if ok else f"gateway delivered {delivered} of {count}, or not every message is marked sent",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
