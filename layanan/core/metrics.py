"""Prometheus metrics: what the processes count, what a scrape reads from the database, who may scrape.

Counted in the processes (prometheus-client; in multi-process mode, with
``PROMETHEUS_MULTIPROC_DIR`` set before start, every web and worker process of
the host writes its own files there and ``/metrics`` adds them up):

- ``layanan_http_requests_total{view, method, status}`` and
  ``layanan_http_request_duration_seconds{view}``: by the resolved URL name,
  never the raw path (``<unresolved>`` for a path no pattern matched);
- ``layanan_tasks_total{task, outcome}``: every task the worker finished,
  ``successful`` or ``failed`` (a task given up on after dead workers counts
  as ``lost``);
- ``layanan_messages_total{channel, outcome}``: every delivery attempt of a
  message to a person and what came of it (sent, retry, fallback, failed...).

Read from the database at scrape time, one cheap query each
(:class:`DatabaseCollector`): the ready queue's depth and its oldest task's
age, live workers, and the open applications and reports past their deadline
(the monitoring backlog table, ``OpenItem``).

``/metrics`` is not public: :func:`metrics_allowed` lets in a caller from
``METRICS_ALLOWED_IPS`` or one with ``Authorization: Bearer <METRICS_TOKEN>``.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

UNRESOLVED = "<unresolved>"

# Seconds; a page should answer well under 100 ms, a dashboard under 200 ms.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "layanan_http_requests",
    "Requests answered, by URL name, method and status.",
    ("view", "method", "status"),
)
HTTP_LATENCY = Histogram(
    "layanan_http_request_duration_seconds",
    "Time from the first middleware to the response, by URL name.",
    ("view",),
    buckets=LATENCY_BUCKETS,
)
TASKS = Counter("layanan_tasks", "Tasks finished by the worker, by task and outcome.", ("task", "outcome"))
MESSAGES = Counter(
    "layanan_messages",
    "Delivery attempts of messages to people, by channel and outcome.",
    ("channel", "outcome"),
)


# A client may send any method name; only these become a label value (others: "other").
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def request_observe(*, view: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request (called by the request middleware: no database, no lock of ours)."""
    HTTP_REQUESTS.labels(view, method if method in METHODS else "other", str(status)).inc()
    HTTP_LATENCY.labels(view).observe(seconds)


def task_observe(*, task: str, outcome: str) -> None:
    TASKS.labels(task, outcome).inc()


def message_observe(*, channel: str, outcome: str) -> None:
    MESSAGES.labels(channel or "none", outcome).inc()


# --- read at scrape time ---------------------------------------------------------------------------


class DatabaseCollector(Collector):
    """Figures read from the database when Prometheus scrapes: queue, workers, SLA breaches.

    Each is one aggregate query on an indexed column. A query that fails is
    logged and its metric left out of this scrape (``layanan_scrape_errors``
    says how many), so a slow table never takes the whole scrape down.

    The tables of higher layers (the monitoring backlog) are named by
    ``apps.get_model``, as the schedule names tasks by dotted path: core
    imports nothing above it.
    """

    def collect(self) -> Iterator[Metric]:
        errors = 0
        for part in (self._queue, self._workers, self._sla_breaches):
            try:
                yield from part()
            except Exception:
                errors += 1
                logger.warning("metrics: %s not read", part.__name__.strip("_"), exc_info=True)
        failed = GaugeMetricFamily("layanan_scrape_errors", "Database figures this scrape could not read.")
        failed.add_metric([], errors)
        yield failed

    def _queue(self) -> Iterator[Metric]:
        from django_tasks_db.models import DBTaskResult, get_date_max

        now = timezone.now()
        ready = DBTaskResult.objects.ready().annotate(
            ready_since=Case(
                When(run_after=get_date_max(), then=F("enqueued_at")),
                default=Greatest("enqueued_at", "run_after"),
            )
        )
        figures = ready.aggregate(depth=Count("id"), oldest=Min("ready_since"))
        depth = GaugeMetricFamily("layanan_queue_ready_tasks", "Tasks ready to run and not yet claimed.")
        depth.add_metric([], figures["depth"] or 0)
        yield depth
        oldest = figures["oldest"]
        age = GaugeMetricFamily(
            "layanan_queue_oldest_ready_age_seconds", "How long the oldest ready task has waited (0: none)."
        )
        age.add_metric([], 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))
        yield age

    def _workers(self) -> Iterator[Metric]:
        from layanan.core.models import WorkerHeartbeat

        window = timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
        alive = WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - window).count()
        workers = GaugeMetricFamily("layanan_workers_alive", "Workers with a heartbeat in the last 3 beats.")
        workers.add_metric([], alive)
        yield workers

    def _sla_breaches(self) -> Iterator[Metric]:
        open_item = apps.get_model("monitoring", "OpenItem")
        rows = (
            open_item.objects.filter(due_at__lt=timezone.now(), paused=False)
            .values("kind")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts = {"application": 0, "report": 0, **{row["kind"]: row["n"] for row in rows}}
        breaches = GaugeMetricFamily(
            "layanan_sla_breaches",
            "Open applications and reports past their deadline (clock not paused).",
            labels=("kind",),
        )
        for kind, n in sorted(counts.items()):
            breaches.add_metric([kind], n)
        yield breaches


_DATABASE_REGISTRY = CollectorRegistry(auto_describe=False)
_DATABASE_REGISTRY.register(DatabaseCollector())


def multiprocess_directory() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def metrics_render() -> bytes:
    """The exposition text: the processes' counters (all of this host's, in multi-process mode),
    then the database figures read now."""
    if multiprocess_directory():
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    return generate_latest(processes) + generate_latest(_DATABASE_REGISTRY)


# --- who may scrape --------------------------------------------------------------------------------


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.METRICS_ALLOWED_IPS]


def _caller_address(request: HttpRequest) -> str:
    """The caller as seen by the app: with TRUSTED_PROXY_COUNT proxies, the address the outermost
    one vouches for; with none, REMOTE_ADDR, and nothing at all for a request that came through a
    proxy anyway (it carries X-Forwarded-For), since REMOTE_ADDR is then the proxy's own address
    (127.0.0.1 for an nginx on the same host) and would let the whole internet in."""
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0 and forwarded:
        return forwarded[max(0, len(forwarded) - trusted)]
    if forwarded:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


def metrics_allowed(request: HttpRequest) -> bool:
    """A valid bearer METRICS_TOKEN, or a caller address inside METRICS_ALLOWED_IPS."""
    token = settings.METRICS_TOKEN
    scheme, _space, offered = request.headers.get("authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(_caller_address(request))
    except ValueError:
        return False
    return any(address in network for network in _networks())
