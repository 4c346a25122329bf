"""Public pages against a hello-world view: wrk at 32 connections, gunicorn as ``make run`` serves it.

Run with ``.venv/bin/python -m bench.pages_bench [--seconds S] [--rounds R] [--connections C]``.
It builds a throwaway SQLite database under ``var/bench-pages/`` with realistic content (migrate,
regions and offices, the real catalogue ``seed_catalogue``, complaint categories, the demo cast and
its activity, ~30 published reports, the transparency figures), starts gunicorn exactly as
``scripts/run`` does (2 workers x 4 threads, ``bench.hello_settings``: the platform's URLs plus
``/bench-hello/``) on a free port of 127.0.0.1, and drives every page an anonymous visitor reaches
from the home page, plus one signed-in citizen page, with
``wrk -t2 -c32 -d<S>s --latency``, in ``R`` interleaved rounds (so a drift of the machine hits
every page alike).

For each page it records (``bench/results.py``, module ``pages``) the requests per second as a
ratio to the hello view of the same run (target 0.30, p99 under 100 ms), with req/s, p50 and p99
in ms, the gzip-compressed size of the response, the errors (socket errors and answers that
are neither 2xx nor 3xx) and the CPU the gunicorn workers spent per request (``cpu_ms``: user +
system time of the workers over the requests wrk counted; unlike the rates, it hardly moves when
other work loads the machine), and prints a table. Compare ratios between runs, not absolute rates: the
client shares the machine's cores with the server. Everything stops by itself; gunicorn is
stopped at the end whatever happens.

wrk comes from Debian (``apt-get install -y wrk``); run as root, this installs it when missing.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "bench-pages"
HOST = "127.0.0.1"
WRK = "/usr/bin/wrk"
CITIZEN_PHONE = "081277770001"
PUBLISHED_REPORTS = 30
TARGET = 0.30
P99_LIMIT_MS = 100.0
REPORT_TEXTS = (
    "Jalan desa berlubang besar di depan sekolah, sudah tiga bulan tidak diperbaiki.",
    "Lampu jalan di simpang pasar mati sejak minggu lalu, rawan kecelakaan malam hari.",
    "Sampah menumpuk di tepi sungai dekat jembatan, baunya sampai ke rumah warga.",
    "Blanko KTP-el habis di kecamatan, warga disuruh kembali bulan depan.",
    "Saluran air di depan pasar tersumbat, jalan tergenang setiap kali hujan.",
)


def _environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "VAR_DIR", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.hello_settings",
            "VAR_DIR": str(WORKDIR),
            "DATABASE_URL": f"sqlite://{WORKDIR / 'bench.sqlite3'}",
            "ENVIRONMENT": "development",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def wrk_ensure() -> str:
    """The path of wrk, installed from Debian when missing and running as root; else say how."""
    if Path(WRK).exists():
        return WRK
    apt_get = shutil.which("apt-get")
    if os.geteuid() == 0 and apt_get:
        command = [apt_get, "install", "-y", "--no-install-recommends", "wrk"]
        print("wrk is missing: installing it (apt-get install -y wrk)", flush=True)
        subprocess.run([apt_get, "update"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        if Path(WRK).exists():
            return WRK
    raise SystemExit("The page benchmark needs wrk. Install it: sudo apt-get install -y wrk")


# --- the fixture -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    session_cookie: str
    service_slug: str
    public_report: str


def _publish_reports(count: int) -> str:
    """``count`` reports filed through the real service and verified (so the public list shows
    them); the public id of one of them."""
    from layanan.accounts.models import Role, User
    from layanan.complaints import services
    from layanan.complaints.models import Category
    from layanan.regions.models import Region

    admin = User.objects.filter(role=Role.ADMIN, is_active=True).first() or User.objects.create_user(
        "081277779999", None, full_name="Admin Pengukur", role=Role.ADMIN
    )
    categories = list(Category.objects.filter(is_active=True, is_platform_feedback=False).order_by("order"))
    desas = list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("code")[:40])
    reporter = User.objects.create_user("081277770002", None, full_name="Pelapor Pengukur")
    last = ""
    for n in range(count):
        report = services.report_submit(
            reporter=reporter,
            kind="pengaduan",
            category=categories[n % len(categories)],
            text=f"{REPORT_TEXTS[n % len(REPORT_TEXTS)]} (laporan {n + 1})",
            region=desas[n % len(desas)],
            submit_key=uuid.uuid4(),
        )
        services.report_verify(report=report, actor=admin, expected_version=report.version)
        last = str(report.public_id)
    return last


def _setup() -> Fixture:
    """A fresh database with the real catalogue, the demo cast and activity, published reports and
    the transparency figures; a signed-in citizen's session cookie."""
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    os.environ.update(_environment())
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    for command in (
        "migrate",
        "collectstatic",
        "load_regions",
        "seed_catalogue",
        "seed_complaint_categories",
        "seed_letter_templates",
        "seed_demo",
        "seed_demo_activity",
        "seed_service_points",
    ):
        options = {"interactive": False} if command == "collectstatic" else {}
        call_command(command, verbosity=0, stdout=open(os.devnull, "w"), **options)  # noqa: SIM115
    public_report = _publish_reports(PUBLISHED_REPORTS)
    call_command("monitoring_rebuild", stdout=open(os.devnull, "w"))  # noqa: SIM115

    from layanan.accounts.models import User
    from layanan.catalogue.models import Service
    from layanan.regions.models import Region

    # The service page: the catalogue's service with the most requirements (the heaviest page).
    service = max(
        Service.objects.filter(is_active=True).prefetch_related("requirements"),
        key=lambda s: (len(s.requirements.all()), s.slug),
    )
    citizen = User.objects.create_user(
        CITIZEN_PHONE,
        "kata-sandi-pengukur-123",
        full_name="Warga Pengukur",
        home_region=Region.objects.filter(code__startswith="18.03.02.").order_by("code").first(),
    )
    client = Client()
    client.force_login(citizen)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Fixture(
        session_cookie=f"{settings.SESSION_COOKIE_NAME}={session}",
        service_slug=service.slug,
        public_report=public_report,
    )


# --- the server --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    """gunicorn with the flags of ``scripts/run`` (2 workers x 4 threads), once it answers."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "layanan.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=_environment(), start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            time.sleep(0.2)
    _stop(server)
    raise RuntimeError("gunicorn did not answer within 30 s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- the pages ---------------------------------------------------------------------------------------


@dataclass
class Page:
    slug: str  # pages.<slug> in the results
    label: str
    path: str
    status: int = 200
    expect: bytes = b""  # a piece of the body that proves the page did its work
    headers: dict[str, str] = field(default_factory=dict)
    target: bool = True  # False: measured for the record only (the signed-in page, the hello view)
    runs: list[WrkRun] = field(default_factory=list)
    gzip_bytes: int = 0


@dataclass(frozen=True)
class WrkRun:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_seconds: float = 0.0  # the gunicorn workers' user + system time during the run
    # Answers that came later than wrk's timeout (2 s): wrk counts them in ``requests`` and in
    # ``errors`` without judging their status, so a create among them may have been stored.
    timeouts: int = 0

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds * 1000 / self.requests if self.requests else 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _pages(fixture: Fixture) -> list[Page]:
    from django.urls import reverse

    slug = fixture.service_slug
    return [
        Page("hello", "hello-world view", "/bench-hello/", expect=b"Hello", target=False),
        Page("home", "home", reverse("core:home"), expect=b'id="layanan"'),
        Page("catalogue", "service catalogue", reverse("catalogue:list"), expect=b"</main>"),
        Page(
            "service", "a service page", reverse("catalogue:detail", kwargs={"slug": slug}), expect=b"</main>"
        ),
        Page(
            "apply_start",
            "application start (anonymous: to sign-in)",
            reverse("applications:start", kwargs={"slug": slug}),
            status=302,
        ),
        Page("lookup", "tracking lookup (GET)", reverse("applications:lookup"), expect=b"tracking_number"),
        Page("report_form", "report form (anonymous: to sign-in)", reverse("complaints:new"), status=302),
        Page("public_reports", "public reports", reverse("complaints:public_list"), expect=b"laporan 1"),
        Page(
            "public_report",
            "one published report",
            reverse("complaints:public_detail", kwargs={"public_id": fixture.public_report}),
            expect=b"</main>",
        ),
        Page("transparency", "transparency", reverse("monitoring:transparency"), expect=b"per-layanan"),
        Page("documents", "document verification", reverse("documents:index"), expect=b"</main>"),
        Page("privacy", "privacy notice", reverse("core:privacy"), expect=b"</main>"),
        Page("login", "sign-in", reverse("accounts:login"), expect=b"csrfmiddlewaretoken"),
        Page("register", "sign-up", reverse("accounts:register"), expect=b"csrfmiddlewaretoken"),
        Page(
            "citizen_mine",
            "my applications (signed in, not cached)",
            reverse("applications:mine"),
            expect=b"Warga Pengukur",
            headers={"Cookie": fixture.session_cookie},
            target=False,
        ),
    ]


def _check(port: int, page: Page) -> None:
    """One GET as a browser sends it: the status and body as expected; note the gzipped size."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", page.path, headers={**page.headers, "Accept-Encoding": "gzip"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != page.status:
        raise RuntimeError(f"{page.label} {page.path}: HTTP {response.status}, expected {page.status}")
    page.gzip_bytes = len(body)
    if response.getheader("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    if page.expect not in body:
        raise RuntimeError(f"{page.label} {page.path}: the page lacks {page.expect!r}")


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def wrk_parse(output: str) -> WrkRun:
    """Requests, seconds, p50 and p99 and errors from the text of ``wrk --latency``."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", output)
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    if not (done and p50 and p99):
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    errors = timeouts = 0
    if socket_errors := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in socket_errors.groups())
        timeouts = int(socket_errors.group(4))
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(bad.group(1))
    return WrkRun(
        requests=int(done.group(1)),
        seconds=_ms(done.group(2) + done.group(3)) / 1000,
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        errors=errors,
        timeouts=timeouts,
    )


def _workers_cpu(master: int) -> float:
    """User + system seconds of the gunicorn master's worker processes (Linux /proc), 0 elsewhere."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def _wrk(wrk: str, port: int, page: Page, seconds: int, connections: int, master: int) -> WrkRun:
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in page.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{page.path}")
    before = _workers_cpu(master)
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    run = wrk_parse(done.stdout)
    return dataclasses.replace(run, cpu_seconds=max(0.0, _workers_cpu(master) - before))


def _total(page: Page) -> WrkRun:
    """The rounds of one page together: summed requests and seconds; the worst round's p99."""
    runs = page.runs
    return WrkRun(
        requests=sum(run.requests for run in runs),
        seconds=sum(run.seconds for run in runs),
        p50_ms=sorted(run.p50_ms for run in runs)[len(runs) // 2],
        p99_ms=max(run.p99_ms for run in runs),
        errors=sum(run.errors for run in runs),
        cpu_seconds=sum(run.cpu_seconds for run in runs),
        timeouts=sum(run.timeouts for run in runs),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="seconds of wrk per page and round")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds over every page")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--only", default="", help="comma-separated page slugs (the hello view always runs)")
    args = parser.parse_args()
    wrk = wrk_ensure()

    from bench.results import record

    began = time.monotonic()
    print(f"setting up {WORKDIR.relative_to(ROOT)} ...", flush=True)
    fixture = _setup()
    from django.db import connections

    connections.close_all()
    pages = _pages(fixture)
    if args.only:
        wanted = {"hello", *args.only.split(",")}
        pages = [page for page in pages if page.slug in wanted]
    port = _free_port()
    server = _start_gunicorn(port)
    try:
        for page in pages:  # each answers as expected; warm up both workers' caches
            for _ in range(4):
                _check(port, page)
        print(
            f"set up in {time.monotonic() - began:.0f} s; gunicorn 2 workers x 4 threads on {HOST}:{port}, "
            f"SQLite; wrk -t2 -c{args.connections} -d{args.seconds}s --latency, {args.rounds} interleaved "
            f"rounds ({os.cpu_count()} CPUs, shared with the client)",
            flush=True,
        )
        for _ in range(args.rounds):
            for page in pages:
                page.runs.append(_wrk(wrk, port, page, args.seconds, args.connections, server.pid))
    finally:
        _stop(server)

    hello = _total(pages[0])
    print(
        f"{'page':<44} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>6} "
        f"{'gzip B':>7} {'err':>5}"
    )
    failed = 0
    for page in pages:
        total = _total(page)
        ratio = total.rate / hello.rate if hello.rate else 0.0
        figures = {
            "req_s": round(total.rate, 1),
            "p50_ms": round(total.p50_ms, 2),
            "p99_ms": round(total.p99_ms, 2),
            "gzip_bytes": page.gzip_bytes,
            "errors": total.errors,
            "cpu_ms": round(total.cpu_ms, 2),
        }
        if page.slug == "hello":
            record("pages", "pages.hello", page.label, value=1.0, figures=figures)
        else:
            record(
                "pages",
                f"pages.{page.slug}",
                f"{page.label} {page.path}",
                value=ratio,
                target=TARGET if page.target else None,
                figures=figures,
                limits={"p99_ms": P99_LIMIT_MS} if page.target else {},
                note="" if page.target else "for the record: no target",
            )
        short = [
            text
            for text, missed in (
                (f"ratio < {TARGET:g}", ratio < TARGET),
                (f"p99 >= {P99_LIMIT_MS:g} ms", total.p99_ms >= P99_LIMIT_MS),
            )
            if page.target and missed
        ]
        failed += total.errors
        print(
            f"{page.label[:44]:<44} {total.rate:7.0f} {ratio:6.2f} {total.p50_ms:7.1f} {total.p99_ms:7.1f} "
            f"{total.cpu_ms:6.2f} {page.gzip_bytes:7d} {total.errors:5d}"
            f"{'  ' + ', '.join(short) if short else ''}"
        )
    print(f"whole run {time.monotonic() - began:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
