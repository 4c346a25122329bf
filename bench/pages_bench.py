"""Page throughput: the catalogue, the application form and the status lookup against hello-world.

Run with ``.venv/bin/python -m bench.pages_bench [--seconds S] [--threads T]``. It builds a
throwaway SQLite database under ``var/bench-pages/`` (migrate, regions and offices, one
service, a citizen with a draft and a submitted application), starts gunicorn as
``make run`` does (2 workers x 4 threads, ``bench.hello_settings``: the platform's
URLs plus ``/bench-hello/``) on a free port of 127.0.0.1, and drives each endpoint for a
few seconds with ``T`` threads, each holding one keep-alive connection.

For each page it prints requests per second, the ratio to the hello-world view measured
in the same run (compare ratios between runs, not absolute rates), and the size of the
gzip-compressed response as a browser receives it. Everything stops by itself; gunicorn is
stopped at the end whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "bench-pages"
HOST = "127.0.0.1"
CITIZEN_PHONE = "081277770001"
SERVICE_SLUG = "bench-surat-keterangan"


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


@dataclass(frozen=True)
class Fixture:
    session_cookie: str
    draft_id: str
    tracking_number: str
    phone_last4: str


def _seed_service() -> None:
    """One service with a two-step form and two requirements (the catalogue's own seed when it has one)."""
    from layanan.agencies.models import Office
    from layanan.catalogue.models import FormField, Requirement, Service

    office = Office.objects.get(code="disdukcapil")
    service = Service.objects.create(
        slug=SERVICE_SLUG,
        name="Surat Keterangan Pindah",
        summary="Surat untuk pindah domisili ke luar kabupaten.",
        category="Kependudukan",
        keywords="pindah, surat pindah, pindah rumah",
        handler=Service.Handler.FIXED_OFFICE,
        office=office,
        sla_working_days=3,
        output=Service.Output.SIAK,
        persyaratan="KK asli; KTP-el.",
        prosedur="Isi formulir, unggah persyaratan, tunggu pemeriksaan.",
        jangka_waktu="3 hari kerja",
        biaya="Rp 0",
        produk="Surat Keterangan Pindah (SKPWNI)",
    )
    fields = [
        (1, "Alamat tujuan", "alamat_tujuan", FormField.Kind.TEXTAREA, ""),
        (1, "Alasan pindah", "alasan", FormField.Kind.CHOICE, "Pekerjaan\nPendidikan\nKeluarga\nLainnya"),
        (1, "Tanggal rencana pindah", "tanggal_pindah", FormField.Kind.DATE, ""),
        (2, "Nomor HP yang dapat dihubungi", "hp", FormField.Kind.PHONE, ""),
    ]
    for order, (step, label, name, kind, choices) in enumerate(fields):
        FormField.objects.create(
            service=service,
            step=step,
            step_title="Data kepindahan" if step == 1 else "Kontak",
            order=order,
            name=name,
            label=label,
            kind=kind,
            choices=choices,
        )
    Requirement.objects.create(
        service=service, order=1, code="kk", name="Kartu Keluarga", kind=Requirement.Kind.UPLOAD_OR_PAPER
    )
    Requirement.objects.create(
        service=service, order=2, code="ktp", name="KTP-el", kind=Requirement.Kind.UPLOAD_OR_PAPER
    )


def _setup() -> Fixture:
    """A fresh database with one service and a citizen who has a draft and a submitted application."""
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    os.environ.update(_environment())
    import django

    django.setup()
    from django.core.management import call_command, get_commands
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_regions", verbosity=0)
    if "seed_catalogue" in get_commands():
        call_command("seed_catalogue", verbosity=0)
    _seed_service()

    from layanan.accounts.models import User
    from layanan.applications import services
    from layanan.applications.models import RequirementCheck
    from layanan.catalogue.models import Service
    from layanan.regions.models import Region

    service = Service.objects.get(slug=SERVICE_SLUG)
    citizen = User.objects.create_user(
        CITIZEN_PHONE,
        "kata-sandi-pengukur-123",
        full_name="Warga Pengukur",
        home_region=Region.objects.filter(code__startswith="18.03.02.").order_by("code").first(),
    )
    step1: dict[str, object] = {
        "alamat_tujuan": "Jl. Merdeka 1, Bandar Lampung",
        "alasan": "Pekerjaan",
        "tanggal_pindah": "2030-01-02",
    }
    submitted = services.application_start(service=service, applicant=citizen, actor=citizen)
    services.application_save_step(application=submitted, actor=citizen, step=1, answers=step1)
    services.application_save_step(
        application=submitted, actor=citizen, step=2, answers={"hp": CITIZEN_PHONE}
    )
    for requirement in service.requirements.all():
        services.requirement_provide(
            application=submitted,
            actor=citizen,
            requirement=requirement,
            provision=RequirementCheck.Provision.PAPER,
        )
    submitted = services.application_submit(application=submitted, actor=citizen, submit_key=uuid.uuid4())
    draft = services.application_start(service=service, applicant=citizen, actor=citizen)

    client = Client()
    client.force_login(citizen)
    from django.conf import settings

    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert submitted.tracking_number
    return Fixture(
        session_cookie=f"{settings.SESSION_COOKIE_NAME}={session}",
        draft_id=str(draft.public_id),
        tracking_number=submitted.tracking_number,
        phone_last4=CITIZEN_PHONE[-4:],
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _start_gunicorn(port: int) -> subprocess.Popen[bytes]:
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
        "--keep-alive",
        "5",
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


@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    expect: bytes = b""  # a piece of the body that proves the page did its work

    def call(
        self, connection: http.client.HTTPConnection, extra: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        connection.request(self.method, self.path, body=self.body, headers={**self.headers, **(extra or {})})
        response = connection.getresponse()
        return response.status, response.read()


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def _drive(port: int, endpoint: Endpoint, threads: int, seconds: float) -> Result:
    """``threads`` keep-alive connections sending ``endpoint`` for ``seconds``; counts good answers."""
    counts = [0] * threads
    errors = [0] * threads
    start = threading.Barrier(threads + 1)
    deadline = 0.0

    def run(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        start.wait()
        while time.perf_counter() < deadline:
            try:
                status, body = endpoint.call(connection)
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            if status == 200 and endpoint.expect in body:
                counts[index] += 1
            else:
                errors[index] += 1
        connection.close()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline = began + seconds
    start.wait()
    for worker in workers:
        worker.join()
    return Result(requests=sum(counts), seconds=time.perf_counter() - began, errors=sum(errors))


def _csrf(port: int, path: str) -> tuple[str, str]:
    """A CSRF cookie and the matching form token, from one GET of ``path``."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    cookie = next(
        (
            value.split(";", 1)[0]
            for name, value in response.getheaders()
            if name.lower() == "set-cookie" and value.startswith("csrftoken=")
        ),
        "",
    )
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not cookie or not match:
        raise RuntimeError(f"no CSRF token on {path}")
    return cookie, match.group(1)


def _endpoints(port: int, fixture: Fixture) -> list[Endpoint]:
    from django.urls import reverse

    catalogue = reverse("catalogue:list")
    step = reverse("applications:step", kwargs={"public_id": fixture.draft_id, "step": 1})
    lookup = reverse("applications:lookup")
    cookie, token = _csrf(port, lookup)
    form = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "tracking_number": fixture.tracking_number,
            "phone_last4": fixture.phone_last4,
        }
    ).encode()
    return [
        Endpoint("hello-world view", "GET", "/bench-hello/", expect=b"Hello"),
        Endpoint("catalogue list", "GET", catalogue, expect=b"Surat Keterangan Pindah"),
        Endpoint(
            "application form step 1 (citizen)",
            "GET",
            step,
            headers={"Cookie": fixture.session_cookie},
            expect=b"alamat_tujuan",
        ),
        Endpoint(
            "status lookup POST",
            "POST",
            lookup,
            headers={
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{port}{lookup}",
            },
            body=form,
            expect=fixture.tracking_number.encode(),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per endpoint and round")
    parser.add_argument("--threads", type=int, default=4, help="client threads (keep-alive connections)")
    args = parser.parse_args()

    print(f"setting up {WORKDIR.relative_to(ROOT)} ...", flush=True)
    fixture = _setup()
    port = _free_port()
    server = _start_gunicorn(port)
    try:
        endpoints = _endpoints(port, fixture)
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        sizes: dict[str, int] = {}
        for endpoint in endpoints:  # check each answers as expected, note its gzipped size, warm up
            status, body = endpoint.call(connection, {"Accept-Encoding": "gzip"})
            if status != 200:
                raise RuntimeError(f"{endpoint.name} {endpoint.path}: HTTP {status}")
            sizes[endpoint.name] = len(body)
            status, body = endpoint.call(connection)
            if endpoint.expect not in body:
                raise RuntimeError(f"{endpoint.name} {endpoint.path}: the page lacks {endpoint.expect!r}")
            _drive(port, endpoint, args.threads, 0.5)
        connection.close()

        print(
            f"gunicorn 2 workers x 4 threads on {HOST}:{port}, SQLite; {args.threads} keep-alive client "
            f"threads, 2 rounds of {args.seconds:g} s per endpoint "
            f"({os.cpu_count()} CPUs, shared with the client)"
        )
        totals = {endpoint.name: Result(0, 0.0, 0) for endpoint in endpoints}
        for _ in range(2):  # interleaved rounds, so a drift of the machine hits every endpoint alike
            for endpoint in endpoints:
                result = _drive(port, endpoint, args.threads, args.seconds)
                total = totals[endpoint.name]
                totals[endpoint.name] = Result(
                    total.requests + result.requests,
                    total.seconds + result.seconds,
                    total.errors + result.errors,
                )
        baseline = totals[endpoints[0].name].rate
        print(f"{'endpoint':<36} {'req/s':>8} {'ratio':>6} {'gzip bytes':>11} {'errors':>7}")
        for endpoint in endpoints:
            result = totals[endpoint.name]
            print(
                f"{endpoint.name:<36} {result.rate:8.0f} {result.rate / baseline:6.2f} "
                f"{sizes[endpoint.name]:11d} {result.errors:7d}"
            )
        failed = sum(result.errors for result in totals.values())
        return 1 if failed else 0
    finally:
        _stop(server)


if __name__ == "__main__":
    raise SystemExit(main())
