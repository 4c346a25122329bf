"""In-process cost of the public pages, per request, without a server: where the time goes.

Run ``.venv/bin/python -m bench.pages_inprocess [--n N]`` after ``bench.pages_bench`` (it reads that
run's database under ``var/bench-pages/``). For each page it prints the mean milliseconds of a GET
through Django's test client: with the page cache off (the view renders), on (a hit), and the hello
view with the platform's middleware and with none, so the share of the middleware shows. No figure
is recorded: this is for the decision (docs/decisions/0009-public-page-speed.md), not a guard.
"""

from __future__ import annotations

import argparse
import os
import time

from bench import pages_bench


def _mean_ms(get: object, path: str, n: int) -> float:
    assert callable(get)
    get(path)
    began = time.perf_counter()
    for _ in range(n):
        get(path)
    return (time.perf_counter() - began) / n * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    os.environ.update(pages_bench._environment())
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client, override_settings

    from layanan.catalogue.models import Service
    from layanan.complaints.models import Report

    service = Service.objects.filter(is_active=True).order_by("slug").first()
    report = Report.objects.filter(status="disposed").first()
    paths = {
        "home": "/",
        "catalogue": "/layanan/",
        "service": f"/layanan/{service.slug}/" if service else "/layanan/",
        "public_reports": "/lapor/publik/",
        "public_report": f"/lapor/publik/{report.public_id}/" if report else "/lapor/publik/",
        "transparency": "/transparansi/",
        "register": "/akun/daftar/",
    }
    client = Client()
    print(f"{'page':<16} {'render ms':>10} {'hit ms':>8}")
    for name, path in paths.items():
        with override_settings(PAGE_CACHE_ENABLED=False):
            off = _mean_ms(client.get, path, args.n)
        with override_settings(PAGE_CACHE_ENABLED=True):
            on = _mean_ms(client.get, path, args.n)
        print(f"{name:<16} {off:10.2f} {on:8.2f}")
    full = _mean_ms(client.get, "/bench-hello/", args.n * 5)
    with override_settings(MIDDLEWARE=[]):
        bare = _mean_ms(Client().get, "/bench-hello/", args.n * 5)
    print(
        f"hello view: {full:.3f} ms with the platform's {len(settings.MIDDLEWARE)} middleware, "
        f"{bare:.3f} ms with none"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
