"""Settings for the page benchmark: the platform's own, plus a hello-world view as the baseline.

``bench.pages_bench`` serves this with gunicorn exactly as ``make run`` serves
``layanan.settings``: the same middleware, the same database, the same
templates. Only the URL configuration differs, by one route.
"""

from __future__ import annotations

from layanan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.hello_urls"
