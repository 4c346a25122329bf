"""The dashboards at scale: summary tables against the same figures computed from the raw tables.

Run with ``BENCH_DATABASE_URL=postgres://... .venv/bin/python -m bench.monitoring_bench [--scale S] [--keep]``
against a throwaway PostgreSQL database: it empties the application and report tables there, and the
rows it writes stay. It has its own variable, so that a ``DATABASE_URL`` set for other work is never
emptied. Without it, it says so and exits 0: the point is the size, and SQLite is not what
production runs.

1. Generates ``S x 1,000,000`` applications and ``S x 1,000,000`` reports spread over five years
   ending today, over the 23 kecamatan / 247 desa (``load_regions``), the seeded services,
   offices and complaint categories, with ``S x 100,000`` citizens: raw ``INSERT ... SELECT
   generate_series`` into the real tables (a few minutes at full scale), with realistic
   outcomes (completed on time or late, rejected, withdrawn, still open, open past the
   deadline; reports verified, disposed, answered on time or late, reopened, rated), the
   timeline rows the summaries read (``TimelineEvent``, ``ReportEvent`` verify/answer,
   ``Disposition``), the sealed answers filled with one valid encrypted constant, and unique
   tracking numbers (``BM…``/``LM…``). ``--keep`` reuses the rows of an earlier run of the same
   scale.
2. Builds the summaries with ``services.facts_rebuild_all`` (the "full rebuild" figure).
3. Times each dashboard view's selectors (as the view calls them, signed in as the Bupati) and the
   rendered page through Django's test ``Client``, against the same figures computed straight
   from the raw tables with SQL aggregates (the baseline, in the same run). The raw baseline
   counts lead times in **calendar** days (``percentile_cont`` over ``decided_at - submitted_at``);
   the platform counts working days, which plain SQL cannot do cheaply, so the baseline is, if
   anything, flattered.
4. Times the incremental refresh of one changed application and one changed report (the task the
   signals enqueue) and the hourly reconciliation.
5. Prints each dashboard page's size gzip-compressed (budget: 14 KB for the first response).

Each figure is the median of a few runs; compare ratios between runs, not absolute times.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "bench-monitoring"
FULL = 1_000_000
YEARS = 5
APP_PREFIX = "BM"
REPORT_PREFIX = "LM"
PAGE_BUDGET = 14 * 1024
LEADER_PHONE = "081277771001"
HEAD_PHONE = "081277771002"
ADMIN_PHONE = "081277771003"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    os.environ.setdefault("VAR_DIR", str(WORKDIR))
    os.environ.setdefault("ENVIRONMENT", "development")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    WORKDIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    for command in ("load_regions", "seed_offices", "seed_catalogue", "seed_complaint_categories"):
        call_command(command, verbosity=0)


def _timed(label: str, run: Callable[[], Any]) -> float:
    began = time.perf_counter()
    run()
    seconds = time.perf_counter() - began
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds


def _median_ms(run: Callable[[], Any], repeat: int, *, warm: bool = True) -> float:
    if warm:
        run()  # warm up (plans, caches)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


# --- generation -------------------------------------------------------------------------------------


def _not_null_fillers(table: str, given: dict[str, str]) -> dict[str, str]:
    """SQL for every NOT NULL column without a database default that ``given`` leaves out.

    Django keeps defaults in Python, so a column added later by another app would make a raw
    INSERT fail; this fills it with a neutral value of its type instead.
    """
    from django.db import connection

    neutral = {
        "boolean": "false",
        "integer": "0",
        "smallint": "0",
        "bigint": "0",
        "double precision": "0",
        "numeric": "0",
        "date": "current_date",
        "timestamp with time zone": "now()",
        "jsonb": "'{}'::jsonb",
        "uuid": "gen_random_uuid()",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL AND column_name <> 'id'",
            [table],
        )
        missing = [(name, kind) for name, kind in cursor.fetchall() if name not in given]
    return {name: neutral.get(kind, "''") for name, kind in missing}


def _insert(table: str, columns: dict[str, str], source: str, params: dict[str, Any]) -> int:
    """``INSERT INTO table (columns) SELECT <expressions> FROM source``; return the rows written."""
    from django.db import connection

    columns = columns | _not_null_fillers(table, columns)
    names = ", ".join(columns)
    expressions = ",\n  ".join(columns.values())
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names})\nSELECT\n  {expressions}\n{source}", params)
        return int(cursor.rowcount)


class World:
    """Ids of the seeded rows the generated ones point at, as SQL arrays (index = position + 1)."""

    def __init__(self) -> None:
        from layanan.agencies.models import Office
        from layanan.catalogue.models import Service
        from layanan.complaints.models import Category
        from layanan.regions.models import Region

        regency = "18.03."
        self.desa = list(
            Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=regency)
            .order_by("code")
            .values_list("code", flat=True)
        )
        offices = {(o.region_id, o.kind): o.pk for o in Office.objects.filter(is_active=True)}
        self.desa_office = [offices.get((code, Office.Kind.VILLAGE)) for code in self.desa]
        self.kecamatan_office = [offices.get((code[:8], Office.Kind.DISTRICT)) for code in self.desa]
        services = list(Service.objects.filter(is_active=True).order_by("order", "pk"))
        self.service = [s.pk for s in services]
        self.service_handler = [s.handler for s in services]
        self.service_office = [s.office_id for s in services]
        self.service_sla = [s.sla_working_days for s in services]
        categories = list(
            Category.objects.filter(is_active=True, is_platform_feedback=False).order_by("order", "pk")
        )
        self.category = [c.pk for c in categories]
        self.category_office = [c.default_office_id for c in categories]
        self.office_ids = sorted(Office.objects.filter(is_active=True).values_list("pk", flat=True))
        if not (self.desa and self.service and self.category):
            raise RuntimeError("no desa, service or category after seeding")


def _people(world: World, citizens: int) -> tuple[int, list[int | None]]:
    """Citizens (desa = position mod 247) and two officers per office.

    Returns the first citizen's id and the first officer's id by office id.
    """
    from django.db import connection

    from layanan.accounts.models import Role, User

    _insert(
        "accounts_user",
        {
            "password": "'!'",
            "phone": "'+6289' || lpad(n::text, 9, '0')",
            "full_name": "'Warga Uji ' || n",
            "role": "'citizen'",
            "home_region_id": "(%(desa)s::text[])[1 + (n - 1) %% %(desa_count)s]",
            "date_joined": "now()",
            "is_active": "true",
            "is_staff": "false",
            "is_superuser": "false",
        },
        "FROM generate_series(1, %(n)s) AS n",
        {"desa": world.desa, "desa_count": len(world.desa), "n": citizens},
    )
    _insert(
        "accounts_user",
        {
            "password": "'!'",
            "phone": "'+6288' || lpad((o * 2 + k)::text, 9, '0')",
            "full_name": "'Petugas Uji ' || o || '-' || k",
            "role": "'officer'",
            "office_id": "o",
            "date_joined": "now()",
            "is_active": "true",
            "is_staff": "false",
            "is_superuser": "false",
        },
        "FROM unnest(%(offices)s::int[]) AS o, generate_series(0, 1) AS k",
        {"offices": world.office_ids},
    )
    first = User.objects.filter(phone__startswith="+6289").order_by("pk").values_list("pk", flat=True)[0]
    officers: list[int | None] = [None] * (max(world.office_ids) + 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT office_id, min(id) FROM accounts_user "
            "WHERE role = %s AND phone LIKE '+6288%%' GROUP BY 1",
            [Role.OFFICER.value],
        )
        for office_id, user_id in cursor.fetchall():
            officers[office_id] = user_id
    return int(first), officers


def _applications(
    world: World, count: int, citizens: int, first_citizen: int, officers: list[int | None]
) -> None:
    """Applications over five years; the outcome drawn per row, clamped to what has happened by now."""
    from layanan.applications.models import Application

    sealed = Application._meta.get_field("answers_sealed").get_prep_value('{"uji": "beban"}')
    source = """
FROM (
  SELECT s.*,
    s.submitted_at + (s.sla * 1.45 + 0.5) * interval '1 day' AS due_at,
    CASE
      WHEN s.r_outcome < 0.78 AND s.r_late < 0.82
        THEN s.submitted_at + (s.sla * 1.4 * s.r_time) * interval '1 day'
      WHEN s.r_outcome < 0.78
        THEN s.submitted_at + (s.sla * 1.45 + 0.6 + 25 * s.r_time ^ 2) * interval '1 day'
      WHEN s.r_outcome < 0.88 THEN s.submitted_at + (0.2 + s.sla * s.r_time) * interval '1 day'
      WHEN s.r_outcome < 0.92 THEN s.submitted_at + (0.1 + 4 * s.r_time) * interval '1 day'
      WHEN s.r_outcome < 0.997 THEN s.submitted_at + (s.sla * 1.3 * s.r_time) * interval '1 day'
      ELSE NULL  -- left open: past its deadline if old enough
    END AS decide_at,
    CASE WHEN s.r_outcome < 0.78 OR s.r_outcome >= 0.92 THEN 'completed'
         WHEN s.r_outcome < 0.88 THEN 'rejected' ELSE 'withdrawn' END AS outcome
  FROM (
    SELECT n, r_outcome, r_late, r_time, r_open,
      now() - (%(span_days)s * r_when) * interval '1 day' AS submitted_at,
      (%(service)s::int[])[1 + floor(r_service ^ 1.7 * %(services)s)::int] AS service_id,
      (%(sla)s::int[])[1 + floor(r_service ^ 1.7 * %(services)s)::int] AS sla,
      (%(handler)s::text[])[1 + floor(r_service ^ 1.7 * %(services)s)::int] AS handler,
      (%(service_office)s::int[])[1 + floor(r_service ^ 1.7 * %(services)s)::int] AS fixed_office,
      c AS citizen
    FROM (
      SELECT n, random() AS r_outcome, random() AS r_late, random() AS r_time, random() AS r_open,
        random() AS r_when, random() AS r_service, floor(random() * %(citizens)s)::int AS c
      FROM generate_series(1, %(n)s) AS n
    ) AS draws
  ) AS s
) AS a
CROSS JOIN LATERAL (
  SELECT CASE a.handler WHEN 'fixed' THEN a.fixed_office
    WHEN 'desa' THEN (%(desa_office)s::int[])[1 + a.citizen %% %(desa_count)s]
    ELSE (%(kecamatan_office)s::int[])[1 + a.citizen %% %(desa_count)s] END AS office_id,
  CASE WHEN a.decide_at IS NOT NULL AND a.decide_at <= now() THEN a.outcome
    ELSE (ARRAY['submitted', 'verifying', 'revision', 'processing', 'signing'])[1 + floor(a.r_open * 5)::int]
  END AS status
) AS o
"""
    made = _insert(
        "applications_application",
        {
            "public_id": "gen_random_uuid()",
            "tracking_number": f"'{APP_PREFIX}' || lpad(a.n::text, 12, '0')",
            "service_id": "a.service_id",
            "applicant_id": "%(first_citizen)s + a.citizen",
            "assisted_consent": "false",
            "office_id": "o.office_id",
            "status": "o.status",
            "version": "3",
            "answers_sealed": "%(sealed)s",
            "current_step": "1",
            "assigned_to_id": "CASE WHEN o.status IN ('processing', 'signing', 'completed') "
            "THEN (%(officers)s::int[])[o.office_id] + a.n %% 2 END",
            "created_at": "a.submitted_at",
            "updated_at": "coalesce(CASE WHEN o.status IN ('completed', 'rejected', 'withdrawn') "
            "THEN a.decide_at END, a.submitted_at)",
            "submitted_at": "a.submitted_at",
            "due_at": "a.due_at",
            "paused_at": "CASE WHEN o.status = 'revision' THEN a.submitted_at + interval '1 day' END",
            "decided_at": "CASE WHEN o.status IN ('completed', 'rejected', 'withdrawn') THEN a.decide_at END",
            "decision_reason": "''",
        },
        source,
        {
            "span_days": 365 * YEARS,
            "service": world.service,
            "sla": world.service_sla,
            "handler": world.service_handler,
            "service_office": world.service_office,
            "services": len(world.service),
            "desa_office": world.desa_office,
            "kecamatan_office": world.kecamatan_office,
            "desa_count": len(world.desa),
            "citizens": citizens,
            "n": count,
            "first_citizen": first_citizen,
            "sealed": sealed,
            "officers": [o or 0 for o in officers[1:]],
        },
    )
    print(f"  {made:,} applications", flush=True)
    events = _insert(
        "applications_timelineevent",
        {
            "application_id": "a.id",
            "occurred_at": "e.at",
            "action": "e.action",
            "from_status": "e.from_status",
            "to_status": "e.to_status",
            "message": "''",
            "internal": "false",
        },
        """FROM applications_application AS a
CROSS JOIN LATERAL (VALUES
  ('submit', '', 'submitted', a.submitted_at),
  ('decide', 'processing', a.status, a.decided_at)
) AS e(action, from_status, to_status, at)
WHERE a.tracking_number LIKE %(prefix)s AND e.at IS NOT NULL""",
        {"prefix": f"{APP_PREFIX}%"},
    )
    print(f"  {events:,} timeline events", flush=True)


def _reports(world: World, count: int, citizens: int, first_citizen: int, admin_id: int) -> None:
    """Reports over five years with their verify/answer events and dispositions, clamped to now."""
    source = """
FROM (
  SELECT d.*,
    d.received_at + (0.05 + 4 * d.r_verify ^ 2) * interval '1 day' AS verify_at,
    d.received_at + (4.5 + CASE WHEN d.r_late < 0.75 THEN 13 * d.r_answer ELSE 14 + 30 * d.r_answer END)
      * interval '1 day' AS answer_at,
    d.received_at + (4.5 + 14 + 30 + 10 * d.r_answer) * interval '1 day' AS close_at
  FROM (
    SELECT n, r_outcome, r_late, r_verify, r_answer, r_rating, r_kind,
      now() - (%(span_days)s * r_when) * interval '1 day' AS received_at,
      (%(category)s::int[])[1 + floor(r_category ^ 1.5 * %(categories)s)::int] AS category_id,
      (%(category_office)s::int[])[1 + floor(r_category ^ 1.5 * %(categories)s)::int] AS office_id,
      (%(desa)s::text[])[1 + floor(r_desa * %(desa_count)s)::int] AS region_id
    FROM (
      SELECT n, random() AS r_outcome, random() AS r_late, random() AS r_verify, random() AS r_answer,
        random() AS r_rating, random() AS r_kind, random() AS r_when, random() AS r_category,
        random() AS r_desa
      FROM generate_series(1, %(n)s) AS n
    ) AS draws
  ) AS d
) AS r
CROSS JOIN LATERAL (
  SELECT CASE
    WHEN r.r_outcome >= 0.93 AND r.verify_at <= now() THEN
      CASE WHEN r.r_outcome < 0.97 THEN 'archived' ELSE 'not_authority' END
    WHEN r.r_outcome >= 0.93 THEN 'received'
    WHEN r.close_at <= now() THEN 'closed'
    WHEN r.answer_at <= now() THEN 'answered'
    WHEN r.verify_at + interval '1 day' <= now() THEN 'in_progress'
    WHEN r.verify_at + interval '2 hours' <= now() THEN 'disposed'
    WHEN r.verify_at <= now() THEN 'verified'
    ELSE 'received' END AS status
) AS s
"""
    made = _insert(
        "complaints_report",
        {
            "public_id": "gen_random_uuid()",
            "tracking_number": f"'{REPORT_PREFIX}' || lpad(r.n::text, 12, '0')",
            "kind": "CASE WHEN r.r_kind < 0.8 THEN 'pengaduan' WHEN r.r_kind < 0.95 THEN 'aspirasi' "
            "ELSE 'informasi' END",
            "category_id": "r.category_id",
            "text": "'Laporan uji beban dasbor.'",
            "region_id": "r.region_id",
            "address_text": "''",
            "reporter_id": "%(first_citizen)s + r.n %% %(citizens)s",
            "channel": "'web'",
            "anonymous": "false",
            "confidential": "false",
            "status": "s.status",
            "version": "3",
            "received_at": "r.received_at",
            "verify_due_at": "r.received_at + interval '4 days'",
            "followup_due_at": "CASE WHEN s.status IN ('disposed', 'in_progress', 'answered', 'closed') "
            "THEN r.received_at + interval '18 days' END",
            "answered_at": "CASE WHEN s.status IN ('answered', 'closed') THEN r.answer_at END",
            "close_due_at": "CASE WHEN s.status IN ('answered', 'closed') "
            "THEN r.answer_at + interval '14 days' END",
            "closed_at": "CASE WHEN s.status = 'closed' THEN r.close_at END",
            "reopened_count": "CASE WHEN s.status = 'closed' AND r.r_rating < 0.03 THEN 1 ELSE 0 END",
            "public_answer": "CASE WHEN s.status IN ('answered', 'closed') "
            "THEN 'Sudah ditangani.' ELSE '' END",
            "status_reason": "''",
            "redirect_to": "''",
            "satisfied": "CASE WHEN s.status = 'closed' AND r.r_rating < 0.6 THEN r.r_rating < 0.48 END",
            "rating_comment": "''",
        },
        source,
        {
            "span_days": 365 * YEARS,
            "category": world.category,
            "category_office": world.category_office,
            "categories": len(world.category),
            "desa": world.desa,
            "desa_count": len(world.desa),
            "n": count,
            "first_citizen": first_citizen,
            "citizens": citizens,
        },
    )
    print(f"  {made:,} reports", flush=True)
    # The verify time is not a column of the report: recompute it the same way from the same draw
    # would need the draws; use the received time plus a spread derived from the id instead.
    verified = "r.received_at + (0.05 + 4 * ((r.id * 7919) %% 1000 / 1000.0) ^ 2) * interval '1 day'"
    events = _insert(
        "complaints_reportevent",
        {
            "report_id": "r.id",
            "occurred_at": "e.at",
            "action": "e.action",
            "from_status": "e.from_status",
            "to_status": "e.to_status",
            "message": "''",
            "internal": "false",
            "actor_id": "%(admin)s",
        },
        f"""FROM complaints_report AS r
CROSS JOIN LATERAL (VALUES
  ('verify', 'received', 'verified',
   CASE WHEN r.status NOT IN ('received', 'postponed')
     THEN least({verified}, coalesce(r.answered_at, now())) END),
  ('answer', 'in_progress', 'answered', r.answered_at)
) AS e(action, from_status, to_status, at)
WHERE r.tracking_number LIKE %(prefix)s AND e.at IS NOT NULL""",
        {"prefix": f"{REPORT_PREFIX}%", "admin": admin_id},
    )
    print(f"  {events:,} report events", flush=True)
    dispositions = _insert(
        "complaints_disposition",
        {
            "report_id": "r.id",
            "office_id": "(%(category_office)s::int[])[array_position(%(category)s::int[], r.category_id)]",
            "instruction": "''",
            "due_at": "r.followup_due_at",
            "created_by_id": "%(admin)s",
            "created_at": "r.received_at + interval '4 days'",
            "answered_at": "r.answered_at",
            "is_active": "true",
        },
        """FROM complaints_report AS r
WHERE r.tracking_number LIKE %(prefix)s AND r.status IN ('disposed', 'in_progress', 'answered', 'closed')""",
        {
            "prefix": f"{REPORT_PREFIX}%",
            "admin": admin_id,
            "category": world.category,
            "category_office": world.category_office,
        },
    )
    print(f"  {dispositions:,} dispositions", flush=True)


def _actors() -> tuple[Any, Any, Any]:
    from layanan.accounts.models import Role, User
    from layanan.agencies.models import Office

    def user(phone: str, name: str, role: str, office: Office | None) -> User:
        return User.objects.filter(phone__endswith=phone[1:]).first() or User.objects.create_user(
            phone, None, full_name=name, role=role, office=office
        )

    bupati = user(LEADER_PHONE, "Bupati Uji", Role.LEADER, None)
    head = user(HEAD_PHONE, "Kepala Dinas Uji", Role.LEADER, Office.objects.get(code="disdukcapil"))
    admin = user(ADMIN_PHONE, "Admin Uji", Role.ADMIN, None)
    return bupati, head, admin


def _generate(scale: float, keep: bool) -> bool:
    """Generate the rows unless ``keep`` and a run of this scale left them; return whether reused."""
    from django.db import connection, transaction

    from layanan.applications.models import Application
    from layanan.complaints.models import Report

    count = max(1000, round(FULL * scale))
    citizens = max(500, round(100_000 * scale))
    present = (
        Application.objects.filter(tracking_number__startswith=APP_PREFIX).count(),
        Report.objects.filter(tracking_number__startswith=REPORT_PREFIX).count(),
    )
    if keep and present == (count, count):
        print(f"reusing {count:,} applications and {count:,} reports (--fresh to generate anew)")
        return True
    print(
        f"generating {count:,} applications and {count:,} reports over {YEARS} years, {citizens:,} citizens"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE applications_application, applications_timelineevent, complaints_report, "
            "complaints_reportevent, complaints_disposition, monitoring_applicationdaily, "
            "monitoring_applicationleadtime, monitoring_reportdaily, monitoring_reportleadtime, "
            "monitoring_officerdaily, monitoring_openitem, monitoring_factday, monitoring_applicationrollup, "
            "monitoring_applicationleadtimerollup, monitoring_reportrollup, monitoring_reportleadtimerollup, "
            "monitoring_factperiod CASCADE"
        )
        cursor.execute("DELETE FROM accounts_user WHERE phone LIKE '+6289%%' OR phone LIKE '+6288%%'")
    world = World()
    _, _, admin = _actors()
    began = time.perf_counter()
    with transaction.atomic():
        first_citizen, officers = _people(world, citizens)
    with transaction.atomic():
        _applications(world, count, citizens, first_citizen, officers)
    with transaction.atomic():
        _reports(world, count, citizens, first_citizen, admin.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE accounts_user, applications_application, applications_timelineevent, complaints_report, "
            "complaints_reportevent, complaints_disposition"
        )
    print(f"  generated in {time.perf_counter() - began:.0f} s", flush=True)
    return False


# --- the raw baseline ------------------------------------------------------------------------------

RAW_APPS = """
SELECT a.service_id,
  count(*) FILTER (WHERE a.submitted_at >= %(start)s AND a.submitted_at < %(end)s),
  count(*) FILTER (WHERE a.status = 'completed' AND a.decided_at >= %(start)s AND a.decided_at < %(end)s),
  count(*) FILTER (WHERE a.status = 'completed' AND a.decided_at >= %(start)s AND a.decided_at < %(end)s
                   AND a.decided_at <= a.due_at),
  count(*) FILTER (WHERE a.status = 'rejected' AND a.decided_at >= %(start)s AND a.decided_at < %(end)s),
  count(*) FILTER (WHERE a.submitted_at >= %(before)s AND a.submitted_at < %(start)s),
  count(*) FILTER (WHERE a.status = 'completed' AND a.decided_at >= %(before)s AND a.decided_at < %(start)s),
  percentile_cont(ARRAY[0.5, 0.9])
    WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.submitted_at) / 86400)
    FILTER (WHERE a.status = 'completed' AND a.decided_at >= %(start)s AND a.decided_at < %(end)s)
FROM applications_application AS a
WHERE a.status <> 'draft' AND ((a.submitted_at >= %(before)s AND a.submitted_at < %(end)s)
   OR (a.decided_at >= %(before)s AND a.decided_at < %(end)s))
GROUP BY {group}
"""
RAW_APPS_OPEN = """
SELECT {group}, a.status, count(*), count(*) FILTER (WHERE a.paused_at IS NULL AND a.due_at < now())
FROM applications_application AS a {join}
WHERE a.status IN ('submitted', 'verifying', 'revision', 'processing', 'signing')
GROUP BY 1, 2
"""
RAW_REPORTS = """
WITH r AS (
  SELECT r.*, (SELECT min(e.occurred_at) FROM complaints_reportevent AS e
               WHERE e.report_id = r.id AND e.action = 'verify') AS verified_at
  FROM complaints_report AS r
  WHERE (r.received_at >= %(before)s AND r.received_at < %(end)s)
     OR (r.answered_at >= %(start)s AND r.answered_at < %(end)s)
     OR r.id IN (SELECT report_id FROM complaints_reportevent
                 WHERE action = 'verify' AND occurred_at >= %(start)s AND occurred_at < %(end)s)
)
SELECT r.category_id,
  count(*) FILTER (WHERE r.received_at >= %(start)s AND r.received_at < %(end)s),
  count(*) FILTER (WHERE r.verified_at >= %(start)s AND r.verified_at < %(end)s),
  count(*) FILTER (WHERE r.answered_at >= %(start)s AND r.answered_at < %(end)s),
  count(*) FILTER (WHERE r.answered_at >= %(start)s AND r.answered_at < %(end)s
                   AND r.answered_at <= r.followup_due_at),
  count(*) FILTER (WHERE r.received_at >= %(start)s AND r.received_at < %(end)s AND r.reopened_count > 0),
  count(*) FILTER (WHERE r.received_at >= %(start)s AND r.received_at < %(end)s AND r.satisfied),
  count(*) FILTER (WHERE r.received_at >= %(before)s AND r.received_at < %(start)s),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.verified_at - r.received_at))
    FILTER (WHERE r.verified_at >= %(start)s AND r.verified_at < %(end)s),
  percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY extract(epoch FROM r.answered_at - r.received_at))
    FILTER (WHERE r.answered_at >= %(start)s AND r.answered_at < %(end)s)
FROM r GROUP BY 1
"""
RAW_REPORTS_OPEN = """
SELECT r.category_id, r.status, count(*),
  count(*) FILTER (WHERE coalesce(r.followup_due_at, r.verify_due_at) < now()),
  (SELECT d.office_id FROM complaints_disposition AS d
   WHERE d.report_id = r.id AND d.is_active ORDER BY d.id LIMIT 1)
FROM complaints_report AS r
WHERE r.status IN ('received', 'postponed', 'verified', 'disposed', 'in_progress', 'answered')
GROUP BY 1, 2, 5
"""
RAW_DAILY = """
SELECT (a.submitted_at AT TIME ZONE 'Asia/Jakarta')::date, count(*) FROM applications_application AS a
WHERE a.submitted_at >= %(start)s AND a.submitted_at < %(end)s GROUP BY 1
"""
RAW_KECAMATAN = """
SELECT left(u.home_region_id, 8), a.service_id, count(*)
FROM applications_application AS a JOIN accounts_user AS u ON u.id = a.applicant_id
WHERE a.submitted_at >= %(start)s AND a.submitted_at < %(end)s GROUP BY 1, 2
"""
RAW_EMERGING = """
SELECT category_id, left(region_id, 8),
  (now()::date - (received_at AT TIME ZONE 'Asia/Jakarta')::date) / 7, count(*)
FROM complaints_report WHERE received_at >= now() - interval '91 days' GROUP BY 1, 2, 3
"""
RAW_WORKLOAD = """
SELECT office_id,
  count(*) FILTER (WHERE status IN ('submitted', 'verifying', 'revision', 'processing', 'signing')),
  count(*) FILTER (WHERE status = 'completed' AND decided_at >= now() - interval '28 days')
FROM applications_application GROUP BY 1;
SELECT assigned_to_id,
  count(*) FILTER (WHERE status IN ('submitted', 'verifying', 'revision', 'processing', 'signing')),
  count(*) FILTER (WHERE status = 'completed' AND decided_at >= now() - interval '28 days')
FROM applications_application WHERE assigned_to_id IS NOT NULL GROUP BY 1;
SELECT d.office_id, count(*) FILTER (WHERE r.status IN ('disposed', 'in_progress', 'answered')),
  count(*) FILTER (WHERE r.answered_at >= now() - interval '28 days')
FROM complaints_report AS r JOIN complaints_disposition AS d ON d.report_id = r.id AND d.is_active GROUP BY 1
"""


def _raw(*queries: tuple[str, dict[str, Any]]) -> Callable[[], None]:
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in queries:
                for statement in sql.split(";"):
                    if statement.strip():
                        cursor.execute(statement, params)
                        cursor.fetchall()

    return run


PERIODS = (("30d", 30), ("1y", 365), ("5y", 365 * YEARS + 1))


def _measure(repeat: int) -> list[tuple[str, str, float, float, float]]:
    """(key, label, summary ms, raw ms, page ms) for each dashboard view x period, as the Bupati."""
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from layanan.accounts.testing import sign_in
    from layanan.monitoring import selectors
    from layanan.monitoring.selectors import Period
    from layanan.monitoring.services import day_bounds, public_figures_version, wib_day
    from layanan.monitoring.views import transparency_cache_key

    bupati, _, _ = _actors()
    today = wib_day(timezone.now())
    quarter = Period(today - timedelta(days=89), today)

    def params(period: Period) -> dict[str, Any]:
        return {
            "start": day_bounds(period.start)[0],
            "end": day_bounds(period.end)[1],
            "before": day_bounds(period.previous().start)[0],
        }

    apps_sql = RAW_APPS.format(group="a.service_id")
    apps_open = RAW_APPS_OPEN.format(group="a.service_id", join="")
    desa_sql = (
        RAW_APPS.replace("a.service_id,", "u.home_region_id,")
        .replace(
            "FROM applications_application AS a",
            "FROM applications_application AS a JOIN accounts_user AS u ON u.id = a.applicant_id",
        )
        .format(group="u.home_region_id")
    )
    desa_open = RAW_APPS_OPEN.format(
        group="u.home_region_id", join="JOIN accounts_user AS u ON u.id = a.applicant_id"
    )
    views: list[tuple[str, str, Callable[[], Any], Callable[[], None], str]] = []
    for tag, days in PERIODS:
        period = Period(today - timedelta(days=days - 1), today)
        p = params(period)
        dates = f"?dari={period.start}&sampai={period.end}"

        def overview(period: Period = period) -> None:
            selectors.application_dashboard(actor=bupati, period=period)
            selectors.report_dashboard(actor=bupati, period=period)
            selectors.received_series(actor=bupati, period=period)
            selectors.kecamatan_grid(actor=bupati, period=period)
            selectors.emerging_problems(actor=bupati)

        def regions(period: Period = period) -> None:
            selectors.kecamatan_grid(actor=bupati, period=period)
            selectors.top_services_by_kecamatan(actor=bupati, period=period)

        views += [
            (
                f"overview.{tag}",
                f"overview ({tag})",
                overview,
                _raw(
                    (apps_sql, p),
                    (apps_open, {}),
                    (RAW_REPORTS, p),
                    (RAW_REPORTS_OPEN, {}),
                    (RAW_DAILY, p),
                    (RAW_KECAMATAN, p),
                    (RAW_EMERGING, {}),
                ),
                reverse("monitoring:overview") + dates,
            ),
            (
                f"layanan.{tag}",
                f"layanan by service ({tag})",
                partial(selectors.application_dashboard, actor=bupati, period=period),
                _raw((apps_sql, p), (apps_open, {})),
                reverse("monitoring:applications") + dates,
            ),
            (
                f"layanan_desa.{tag}",
                f"layanan by desa ({tag})",
                partial(selectors.application_dashboard, actor=bupati, period=period, group="desa"),
                _raw((desa_sql, p), (desa_open, {})),
                reverse("monitoring:applications") + dates + "&kelompok=desa",
            ),
            (
                f"pengaduan.{tag}",
                f"pengaduan by category ({tag})",
                partial(selectors.report_dashboard, actor=bupati, period=period),
                _raw((RAW_REPORTS, p), (RAW_REPORTS_OPEN, {})),
                reverse("monitoring:reports") + dates,
            ),
            (
                f"wilayah.{tag}",
                f"wilayah ({tag})",
                regions,
                _raw((RAW_KECAMATAN, p)),
                reverse("monitoring:regions") + dates,
            ),
        ]
    a_quarter = params(quarter)
    views += [
        (
            "beban_kerja.4w",
            "beban kerja (4 weeks)",
            lambda: selectors.workload(actor=bupati),
            _raw((RAW_WORKLOAD, {})),
            reverse("monitoring:workload"),
        ),
        (
            "transparansi.90d",
            "transparansi (90 days)",
            lambda: selectors.public_figures(period=quarter),
            _raw(
                (RAW_APPS.format(group="a.service_id"), a_quarter),
                (RAW_APPS.replace("a.service_id,", "a.office_id,").format(group="a.office_id"), a_quarter),
                (RAW_REPORTS, a_quarter),
            ),
            reverse("monitoring:transparency"),
        ),
    ]
    client = Client()
    sign_in(client, bupati)
    results = []
    sizes: list[tuple[str, int, int]] = []
    print(f"timing {len(views)} views, median of {repeat} runs each", flush=True)
    for key, name, summary, raw, url in views:

        def page(url: str = url) -> Any:
            now = timezone.now()  # the transparency page's figures are cached: measure them rendered
            for language in ("id", "en"):
                cache.delete(transparency_cache_key(wib_day(now), language, public_figures_version()))
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            return response

        summary_ms = _median_ms(summary, repeat)
        raw_ms = _median_ms(raw, max(1, repeat // 3), warm=False)
        page_ms = _median_ms(page, repeat)
        body = page().content
        sizes.append((url, len(body), len(gzip.compress(body, 6))))
        results.append((key, name, summary_ms, raw_ms, page_ms))
        print(
            f"  {name:<32} summary {summary_ms:7.1f} ms  raw {raw_ms:8.1f} ms  page {page_ms:7.1f} ms",
            flush=True,
        )
    print()
    print(f"{'page':<60} {'bytes':>8} {'gzip':>7}")
    for url, plain, packed in sizes:
        flag = "  OVER 14 KB" if packed > PAGE_BUDGET else ""
        print(f"{url[:60]:<60} {plain:8d} {packed:7d}{flag}")
    return results


def _incremental(burst: int, scale: float) -> None:
    """One application completed now, one report answered now: the refresh task's time; then a burst."""
    from django.db import connection
    from django.utils import timezone

    from layanan.applications.models import Application
    from layanan.complaints.models import Report
    from layanan.monitoring import services
    from layanan.monitoring.models import Kind
    from layanan.monitoring.tasks import monitoring_item_refresh

    application = (
        Application.objects.filter(tracking_number__startswith=APP_PREFIX, status="processing")
        .order_by("-submitted_at")
        .first()
    )
    report = (
        Report.objects.filter(tracking_number__startswith=REPORT_PREFIX, status="in_progress")
        .order_by("-received_at")
        .first()
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        if application is not None:
            cursor.execute(
                "UPDATE applications_application SET status = 'completed', decided_at = %s WHERE id = %s",
                [now, application.pk],
            )
            cursor.execute(
                "INSERT INTO applications_timelineevent (application_id, occurred_at, action, from_status, "
                "to_status, message, internal) "
                "VALUES (%s, %s, 'decide', 'processing', 'completed', '', false)",
                [application.pk, now],
            )
        if report is not None:
            cursor.execute(
                "UPDATE complaints_report SET status = 'answered', answered_at = %s WHERE id = %s",
                [now, report.pk],
            )
            cursor.execute(
                "INSERT INTO complaints_reportevent (report_id, occurred_at, action, from_status, to_status, "
                "message, internal) VALUES (%s, %s, 'answer', 'in_progress', 'answered', '', false)",
                [report.pk, now],
            )
    print()
    if application is not None:
        ms = _median_ms(lambda: monitoring_item_refresh.call(Kind.APPLICATION, application.pk), 5)
        print(f"incremental refresh of one completed application (monitoring_item_refresh): {ms:.0f} ms")
    if report is not None:
        ms = _median_ms(lambda: monitoring_item_refresh.call(Kind.REPORT, report.pk), 5)
        print(f"incremental refresh of one answered report (monitoring_item_refresh): {ms:.0f} ms")
    _burst(burst, scale)
    began = time.perf_counter()
    services.facts_reconcile()
    print(
        f"hourly reconciliation (last {services.RECONCILE_DAYS} days + open items): "
        f"{time.perf_counter() - began:.1f} s"
    )


BURST = 300  # new reports queued at once: what the complaint bench submits in about a second
BURST_PREFIX = "LB"
ONE_BY_ONE_SAMPLE = 40  # item by item, the rate is measured on this many of the burst (each costs the same)


def _burst_reports(count: int) -> list[int]:
    """``count`` new reports received in the last minutes (copies of recent generated ones); their ids."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM complaints_report WHERE tracking_number LIKE %s", [f"{BURST_PREFIX}%"])
    _insert(
        "complaints_report",
        {
            "public_id": "gen_random_uuid()",
            "tracking_number": f"'{BURST_PREFIX}' || lpad(r.k::text, 12, '0')",
            "kind": "r.kind",
            "category_id": "r.category_id",
            "text": "r.text",
            "region_id": "r.region_id",
            "address_text": "''",
            "reporter_id": "r.reporter_id",
            "channel": "'web'",
            "anonymous": "false",
            "confidential": "false",
            "status": "'received'",
            "version": "1",
            "received_at": "now() - r.k * interval '1 second'",
            "verify_due_at": "now() + interval '4 days'",
            "reopened_count": "0",
            "public_answer": "''",
            "status_reason": "''",
            "redirect_to": "''",
            "rating_comment": "''",
        },
        """FROM (SELECT c.*, row_number() OVER (ORDER BY c.id DESC) AS k FROM complaints_report AS c
WHERE c.tracking_number LIKE %(prefix)s ORDER BY c.id DESC LIMIT %(n)s) AS r""",
        {"prefix": f"{REPORT_PREFIX}%", "n": count},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM complaints_report WHERE tracking_number LIKE %s ORDER BY id", [f"{BURST_PREFIX}%"]
        )
        return [int(row[0]) for row in cursor.fetchall()]


def _drain(task_path: str) -> int:
    """What a worker does: claim the oldest due refresh, run it, until none is left; return the runs."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from layanan.monitoring.tasks import monitoring_item_refresh

    runs = 0
    while True:
        row = DBTaskResult.objects.ready().filter(task_path=task_path).order_by("enqueued_at").first()
        if row is None:
            return runs
        if not DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.READY).update(
            status=TaskResultStatus.RUNNING
        ):
            continue
        monitoring_item_refresh.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.SUCCESSFUL)
        runs += 1


def _burst(count: int, scale: float) -> None:
    """Refreshes per second for a burst of new reports queued at once: item by item against the batch.

    Item by item is ``services.item_refresh`` per report (what each task did before the batch, minus
    the queue's own work); the batch is the queue drained as a worker does, each refresh taking the
    others queued. Then checks that every queued refresh finished and that today's summary counts
    every report received today.
    """
    from django.db.models import Sum
    from django.utils import timezone
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from bench.results import record
    from layanan.complaints.models import Report
    from layanan.monitoring import services
    from layanan.monitoring.models import Kind, ReportDaily
    from layanan.monitoring.tasks import monitoring_item_refresh

    if count <= 0:
        return
    path = monitoring_item_refresh.module_path
    DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).delete()
    ids = _burst_reports(count)
    sample = ids[: min(len(ids), ONE_BY_ONE_SAMPLE)]
    began = time.perf_counter()
    for item_id in sample:
        services.item_refresh(kind=Kind.REPORT, item_id=item_id)
    one_by_one = len(sample) / (time.perf_counter() - began)
    queued = [monitoring_item_refresh.enqueue(Kind.REPORT, item_id).id for item_id in ids]
    began = time.perf_counter()
    runs = _drain(path)
    seconds = time.perf_counter() - began
    batch = len(ids) / seconds
    finished = DBTaskResult.objects.filter(pk__in=queued, status=TaskResultStatus.SUCCESSFUL).count()
    today = services.wib_day(timezone.now())
    start, end = services.day_bounds(today)
    raw = Report.objects.filter(received_at__gte=start, received_at__lt=end).count()
    summed = ReportDaily.objects.filter(day=today).aggregate(n=Sum("received"))["n"] or 0
    ok = finished == len(ids) and summed == raw
    print(
        f"refresh burst of {len(ids)} new reports: item by item {one_by_one:.1f}/s (first {len(sample)}), "
        f"batch {batch:.1f}/s ({runs} task runs, {seconds:.2f} s), {batch / one_by_one:.1f}x; "
        f"{finished}/{len(ids)} finished, today {summed} summed / {raw} raw"
    )
    record(
        "monitoring",
        "monitoring.refresh_burst",
        f"refreshes/s for a burst of {len(ids)} queued reports: batch over item by item",
        value=batch / one_by_one,
        unit="ratio",
        higher_is_better=True,
        figures={
            "burst": len(ids),
            "scale": scale,
            "batch_per_s": round(batch, 1),
            "item_by_item_per_s": round(one_by_one, 1),
            "batch_task_runs": runs,
            "batch_seconds": round(seconds, 2),
        },
        ok=ok,
    )
    DBTaskResult.objects.filter(pk__in=queued).delete()
    Report.objects.filter(pk__in=ids).delete()  # the reconciliation that follows rebuilds their days


SUITE_SCALE = 0.1  # what ``make bench`` runs: about 1 minute of generation, kept for the next run
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_monitoring"
# How a view's rendered time grows with the rows, t(full) = t(scale) x (1 / scale) ** k, per view:
# the largest k over its periods, calibrated from a run at scale 0.1 and one at 1.0 on the same
# machine (2026-12-07, bench/README.md). Rollup reads are nearly flat; what grows is the ragged
# days at a period's edges, read from the daily rows (most for the desa grouping).
GROWTH = {
    "overview": 0.41,
    "layanan": 0.33,
    "layanan_desa": 0.48,
    "pengaduan": 0.37,
    "wilayah": 0.35,
    "beban_kerja": 0.12,
    "transparansi": 0.24,
}


def _database_url() -> str | None:
    """BENCH_DATABASE_URL, else a database ``bench_monitoring`` on 127.0.0.1:5432 when PostgreSQL answers.

    Never DATABASE_URL (the run empties the application and report tables); never the development
    database.
    """
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url:
        return url if url.startswith(("postgres://", "postgresql://")) else None
    try:
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3, autocommit=True
        ) as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_monitoring'").fetchone()
            if found is None:
                admin.execute("CREATE DATABASE bench_monitoring")
    except Exception as error:  # any failure to reach PostgreSQL means: skip
        print(f"  (no PostgreSQL at 127.0.0.1:5432: {type(error).__name__})")
        return None
    return DEFAULT_URL


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=SUITE_SCALE, help="1.0 = a million applications and reports"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="generate new rows even when a run of this scale left them"
    )
    parser.add_argument("--keep", action="store_true", help="(the default) reuse the rows of an earlier run")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the summaries even when reused")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per view (median)")
    parser.add_argument(
        "--burst", type=int, default=BURST, help="new reports queued at once for the refresh burst (0: none)"
    )
    args = parser.parse_args()
    from bench.results import record, yardstick_ms

    url = _database_url()
    if url is None:
        print(
            "monitoring_bench skipped: no PostgreSQL (set BENCH_DATABASE_URL=postgres://… to a throwaway one)"
        )
        record(
            "monitoring",
            "monitoring.skipped",
            "dashboards: skipped, no PostgreSQL",
            value=0,
            unit="ms",
            higher_is_better=False,
            note="skipped: no PostgreSQL",
        )
        return 0
    os.environ["DATABASE_URL"] = url
    _setup()
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} CPUs")
    reused = _generate(args.scale, not args.fresh)

    from layanan.applications.models import Application
    from layanan.complaints.models import Report
    from layanan.monitoring import services
    from layanan.monitoring.models import (
        ApplicationDaily,
        ApplicationRollup,
        FactDay,
        ReportDaily,
        ReportRollup,
    )

    rebuild: float | None = None
    if reused and not args.rebuild and FactDay.objects.exists():
        print("reusing the summaries of the earlier run (--rebuild to time a full rebuild)")
    else:
        print("full rebuild of the summaries (services.facts_rebuild_all):", flush=True)
        rebuild = _timed("facts_rebuild_all", services.facts_rebuild_all)
    with connection.cursor() as cursor:  # fresh planner statistics (a migration may have filled tables)
        cursor.execute("ANALYZE")
    rows_applications = Application.objects.count()
    rows_reports = Report.objects.count()
    print(
        f"  {ApplicationDaily.objects.count():,} application and {ReportDaily.objects.count():,} report "
        f"daily rows; {ApplicationRollup.objects.count():,} and {ReportRollup.objects.count():,} rollup rows",
        flush=True,
    )
    results = _measure(args.repeat)
    with connection.cursor() as cursor:  # the machine's speed now, for make bench-check
        yardstick = yardstick_ms(cursor)
    print()
    print("summary = the view's selectors on the summary tables; raw = the same figures by SQL aggregates")
    print("over the raw tables (lead times in calendar days); page = the rendered page via the test Client;")
    print("full = the page time extrapolated to 1M + 1M (t x (1/scale)^k, k per view: GROWTH)")
    print(f"{'view':<32} {'summary ms':>11} {'raw ms':>9} {'ratio':>7} {'page ms':>9} {'full ms':>8}")
    for key, name, summary_ms, raw_ms, page_ms in results:
        growth = GROWTH[key.split(".")[0]]
        full = page_ms if args.scale >= 1 else page_ms * (1 / args.scale) ** growth
        print(
            f"{name:<32} {summary_ms:11.1f} {raw_ms:9.1f} {raw_ms / summary_ms:6.1f}x "
            f"{page_ms:9.1f} {full:8.1f}"
        )
        record(
            "monitoring",
            f"monitoring.{key}",
            f"dashboard {name}, rendered",
            value=page_ms,
            unit="ms",
            higher_is_better=False,
            target=200,
            figures={
                "rows_applications": rows_applications,
                "rows_reports": rows_reports,
                "scale": args.scale,
                "summary_ms": round(summary_ms, 1),
                "raw_ms": round(raw_ms, 1),
                "extrapolated_full_ms": round(full, 1),
                "growth_exponent": growth,
                "yardstick_ms": yardstick,
            },
            limits={"extrapolated_full_ms": 200},
        )
    if rebuild is not None:
        print(f"full rebuild: {rebuild:.0f} s")
    _incremental(args.burst, args.scale)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
