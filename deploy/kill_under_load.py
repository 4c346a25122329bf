"""Kill-under-load check of the deployment recipe (docs/deployment.md, "Several hosts").

Run by ``make deploy-check``.

On this machine, the recipe as production runs it: a throwaway PostgreSQL database (migrated, seeded
with the regions, the catalogue and the complaint categories), Redis (cache, sessions, rate limits;
``--redis-url``, db 6 by default, emptied first), moto's S3 server holding the uploads (encrypted,
``STORAGE_BACKEND=s3``), two gunicorn web processes (``--workers 2 --threads 4``), two
``manage.py worker`` processes and nginx with TLS in front, all with ``ENVIRONMENT=production``.

Threads then drive load through nginx for ``--duration`` seconds: anonymous page reads (home, the
public report list, the catalogue, a static file, ``/healthz``) and citizens filing reports through
the real form (``/lapor/baru/``: sign in, CSRF token, submit key, one unique marker in each text, a
photo with every third one). Each report enqueues its notice (``message_send``), so tasks flow too.

At 30 % of the run one web process is SIGKILLed (gunicorn's whole process group), at 40 % one worker
is SIGKILLed (preferably while it holds a task), and at 65 % both are started again, as a process
supervisor would. After the load, every submission that failed is sent once more with the same
submit key (what a person does after an error page). Then the queue is drained, and the check proves:

- every request got a success or a clean failure (502/503/504 from nginx, or a refused connection),
  never a 500, another unexpected status, or no answer within ``--timeout``;
- every submission answered with the "sent" page is stored exactly once (counted by its marker), no
  marker is stored twice, and each failed submission is reported as stored once or absent;
- the resend of a failed submission gives exactly one report;
- every task ran to its end once: none left ready or running, none failed, a task whose worker was
  killed was taken over after ``TASK_STALE_AFTER`` (10 s here), each report's notice was sent once;
- every photo of a stored report is in the bucket once, as ciphertext; objects no report names
  (uploaded by a request killed before its commit) are counted and listed, not hidden.

It prints a summary and exits 1 on any violation. Ports: ``--port-base`` (nginx), +1 and +2 (web),
+10 (S3). Logs of every process stay under ``var/deploy-check/<run>/`` (``--keep`` also keeps the
database).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import getpass
import html.parser
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import requests

from deploy.render_nginx import render

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432"
SUBMISSIONS_PER_USER = 8  # under the form's 10 reports a day per citizen
CLEAN_STATUSES = {502, 503, 504}
RNG = secrets.SystemRandom()


# --- processes ----------------------------------------------------------------------------------


class Proc:
    """A child in its own process group, so a kill reaches gunicorn's workers too; output to a log."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path):
        self.name, self.args, self.env, self.logs = name, args, env, logs
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.logs / f"{self.name}.log").open("ab")
        log.write(f"\n=== start {self.starts} {time.strftime('%H:%M:%S')} ===\n".encode())
        log.flush()
        self.popen = subprocess.Popen(  # noqa: S603  # our own commands
            self.args, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def kill(self) -> None:
        """SIGKILL the whole group: what an OOM kill or a power cut does to a host's process."""
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def stop(self, wait: float = 20.0) -> None:
        """SIGTERM (finish what is in hand), then SIGKILL after ``wait`` seconds."""
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(wait)
        except subprocess.TimeoutExpired:
            self.kill()


def wait_for_port(port: int, *, timeout: float, proc: Proc | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.popen is not None and proc.popen.poll() is not None:
            raise RuntimeError(
                f"{proc.name} exited with {proc.popen.returncode}: see {proc.logs}/{proc.name}.log"
            )
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def psql(sql: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", f"{PG_ADMIN}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],  # noqa: S607
        check=True,
        capture_output=True,
    )


def manage(env: dict[str, str], *args: str, logs: Path) -> None:
    with (logs / "release.log").open("ab") as log:
        subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", *args], env=env, cwd=ROOT, stdout=log, stderr=log, check=True
        )


# --- the client ---------------------------------------------------------------------------------


class FormParser(html.parser.HTMLParser):
    """The hidden inputs and the options of each select of a page (enough for the report form)."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.options: dict[str, list[str]] = collections.defaultdict(list)
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.hidden[found["name"]] = found.get("value", "")
        elif tag == "select":
            self._select = found.get("name")
        elif tag == "option" and self._select and found.get("value"):
            self.options[self._select].append(found["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def parse_form(page: str) -> FormParser:
    parser = FormParser()
    parser.feed(page)
    return parser


@dataclasses.dataclass
class Outcome:
    kind: str  # read, sign_in, form, submit, done, resend
    status: int | None  # None: no HTTP answer
    error: str = ""  # "refused", "timeout", or the exception's class
    seconds: float = 0.0
    at: float = 0.0  # time.monotonic() when it was sent

    @property
    def verdict(self) -> str:
        if self.status is not None:
            if self.status in CLEAN_STATUSES:
                return "clean failure"
            return "ok" if self.status < 400 else "VIOLATION"
        return "clean failure" if self.error == "refused" else "VIOLATION"


@dataclasses.dataclass
class Submission:
    marker: str
    submit_key: str
    photo: bool
    thread: int
    result: str = ""  # accepted, failed, violation
    public_id: str = ""
    detail: str = ""
    resend: str = ""  # after the run, for a failed one: accepted (same/new report) or failed


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.outcomes: list[Outcome] = []
        self.submissions: list[Submission] = []
        self.violations: list[str] = []

    def add(self, outcome: Outcome, what: str) -> Outcome:
        outcome.at = time.monotonic() - outcome.seconds
        with self.lock:
            self.outcomes.append(outcome)
            if outcome.verdict == "VIOLATION":
                self.violations.append(
                    f"{outcome.kind} {what}: status={outcome.status} error={outcome.error}"
                )
        return outcome


class Client:
    """One browser: a session (cookies), TLS against our own certificate, Referer/Origin as browsers send."""

    def __init__(self, base: str, cert: Path, timeout: float, recorder: Recorder):
        self.base, self.timeout, self.recorder = base, timeout, recorder
        self.http = requests.Session()
        self.http.verify = str(cert)
        self.http.trust_env = False  # our certificate, not a REQUESTS_CA_BUNDLE of the environment

    def call(
        self, kind: str, method: str, path: str, **kwargs: Any
    ) -> tuple[Outcome, requests.Response | None]:
        started = time.monotonic()
        headers = kwargs.pop("headers", {})
        if method == "POST":
            headers.update(Origin=self.base, Referer=self.base + path)
        try:
            response = self.http.request(
                method,
                self.base + path,
                timeout=self.timeout,
                allow_redirects=False,
                headers=headers,
                **kwargs,
            )
        except requests.ConnectionError as error:
            refused = isinstance(error.__context__, ConnectionRefusedError) or "refused" in str(error).lower()
            outcome = Outcome(
                kind, None, "refused" if refused else type(error).__name__, time.monotonic() - started
            )
            return self.recorder.add(outcome, f"{method} {path}"), None
        except requests.Timeout:
            outcome = Outcome(kind, None, "timeout", time.monotonic() - started)
            return self.recorder.add(outcome, f"{method} {path}"), None
        outcome = Outcome(kind, response.status_code, "", time.monotonic() - started)
        return self.recorder.add(outcome, f"{method} {path}"), response


def jpeg(seed: int) -> bytes:
    from PIL import Image

    rng = RNG
    image = Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    for _ in range(40):
        image.putpixel((rng.randrange(64), rng.randrange(48)), (rng.randrange(256), 0, rng.randrange(256)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


DONE = re.compile(r"/lapor/([0-9a-f-]{36})/terkirim/$")


class Citizen:
    """A signed-in citizen filing reports; signs in again (same account) when the session is gone."""

    def __init__(self, client: Client, phone: str, password: str):
        self.client, self.phone, self.password = client, phone, password
        self.signed_in = False
        self.sent = 0

    def sign_in(self) -> bool:
        outcome, response = self.client.call("sign_in", "GET", "/akun/masuk/")
        if response is None or outcome.status != 200:
            return False
        token = parse_form(response.text).hidden.get("csrfmiddlewaretoken", "")
        data = {"csrfmiddlewaretoken": token, "identifier": self.phone, "password": self.password}
        outcome, response = self.client.call("sign_in", "POST", "/akun/masuk/", data=data)
        self.signed_in = outcome.status == 302
        return self.signed_in

    def file(self, submission: Submission, *, kind: str = "submit", key_from_form: bool = True) -> None:
        """The report form's path: the page, the POST (and the "similar reports" page's confirm)."""
        outcome, response = self.client.call("form", "GET", "/lapor/baru/")
        if response is None or outcome.status != 200:
            submission.result = "failed" if outcome.verdict == "clean failure" else "violation"
            submission.detail = f"form page {outcome.status or outcome.error}"
            return
        form = parse_form(response.text)
        if key_from_form:
            submission.submit_key = form.hidden.get("submit_key", "")
        data = {
            "csrfmiddlewaretoken": form.hidden.get("csrfmiddlewaretoken", ""),
            "submit_key": submission.submit_key,
            "kind": "pengaduan",
            "category": RNG.choice(form.options["category"]),
            "region": RNG.choice(form.options["region"]),
            "text": f"Jalan di depan balai desa rusak berat dan berlubang. Penanda uji {submission.marker}.",
        }
        for attempt in ("first", "confirm"):
            files = (
                {"photos": ("foto.jpg", jpeg(hash(submission.marker)), "image/jpeg")}
                if submission.photo
                else None
            )
            outcome, response = self.client.call(kind, "POST", "/lapor/baru/", data=data, files=files)
            if response is None or outcome.status in CLEAN_STATUSES:
                submission.result = "failed" if outcome.verdict == "clean failure" else "violation"
                submission.detail = f"POST {outcome.status or outcome.error}"
                return
            if outcome.status == 302:
                found = DONE.search(response.headers.get("Location", ""))
                if not found:
                    submission.result, submission.detail = (
                        "violation",
                        "redirect " + response.headers["Location"],
                    )
                    return
                submission.result, submission.public_id = "accepted", found.group(1)
                self.client.call("done", "GET", response.headers["Location"])
                return
            if outcome.status == 200 and 'name="confirm"' in response.text and attempt == "first":
                data = {**data, "confirm": "1"}  # "Laporan serupa": send anyway, as the page offers
                continue
            break
        submission.result = "violation"
        submission.detail = f"POST answered {outcome.status} without filing"
        with self.client.recorder.lock:
            self.client.recorder.violations.append(f"{kind} {submission.marker}: {submission.detail}")


# --- the run ------------------------------------------------------------------------------------


@dataclasses.dataclass
class Events:
    lines: list[str] = dataclasses.field(default_factory=list)
    started: float = dataclasses.field(default_factory=time.monotonic)
    killed_task: str = ""

    def say(self, text: str) -> None:
        line = f"[{time.monotonic() - self.started:6.1f} s] {text}"
        self.lines.append(line)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Run:
    def __init__(self, options: argparse.Namespace):
        self.options = options
        self.run_id = f"{time.strftime('%Y%m%d%H%M%S')}{secrets.token_hex(2)}"
        self.dir = ROOT / "var" / "deploy-check" / self.run_id
        self.logs = self.dir / "logs"
        self.database = f"deploy_kul_{self.run_id}"
        base = options.port_base
        self.ports = {"nginx": base, "web1": base + 1, "web2": base + 2, "s3": base + 10}
        self.base_url = f"https://127.0.0.1:{base}"
        self.bucket = f"layanan-deploy-{self.run_id}"
        self.events = Events()
        self.recorder = Recorder()
        self.procs: dict[str, Proc] = {}
        self.owners: dict[str, Citizen] = {}
        self.stored_before_resend: dict[str, int] = {}
        self.rolling = (0.0, 0.0)  # when web2's graceful restart began and ended
        self.web1_ready = 0.0
        self.env: dict[str, str] = {}

    # -- set-up ------------------------------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        secrets_dir = self.dir / "secrets"
        secrets_dir.mkdir(parents=True, mode=0o700)

        def secret(name: str, value: str) -> str:
            path = secrets_dir / name.lower()
            path.write_text(value + "\n", encoding="utf-8")
            path.chmod(0o600)
            return str(path)

        seed = lambda: __import__("base64").b64encode(secrets.token_bytes(32)).decode()  # noqa: E731
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER")}
        env = {
            **keep,
            "ENVIRONMENT": "production",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": self.base_url,
            "SITE_URL": self.base_url,
            "DATABASE_URL_FILE": secret("database_url", f"{PG_ADMIN}/{self.database}"),
            "REDIS_URL": self.options.redis_url,
            "VAR_DIR": str(self.dir / "var"),
            "MEDIA_ROOT": str(self.dir / "var" / "media"),
            "AUDIT_ROOTS_DIR": str(self.dir / "audit-roots"),
            "BEHIND_PROXY": "true",
            "TRUSTED_PROXY_COUNT": "1",
            "SECURE_SSL_REDIRECT": "true",
            "SECURE_HSTS_SECONDS": "3600",
            "SECRET_KEY_FILE": secret("secret_key", secrets.token_urlsafe(50)),
            "FIELD_ENCRYPTION_KEYS_FILE": secret("field_encryption_keys", secrets.token_urlsafe(32)),
            "BLIND_INDEX_KEY_FILE": secret("blind_index_key", secrets.token_urlsafe(32)),
            "DOCUMENT_QR_KEY_FILE": secret("document_qr_key", seed()),
            "AUDIT_CHAIN_KEY_FILE": secret("audit_chain_key", secrets.token_urlsafe(32)),
            "AUDIT_ROOTS_SIGNING_KEY_FILE": secret("audit_roots_signing_key", seed()),
            "HEALTHZ_TOKEN_FILE": secret("healthz_token", secrets.token_urlsafe(32)),
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{self.ports['s3']}",
            "S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "deploy-check",
            "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(24),
            # A worker killed mid-task is taken over after 10 s (the least allowed), not 5 minutes.
            "TASK_STALE_AFTER": "10",
            # ...and a message its send was cut short in is sent again by that taken-over task: as in
            # production (300 s against 120 s), a send is stale before its task is taken over.
            "NOTIFY_SENDING_STALE_SECONDS": "5",
            "WORKER_HEARTBEAT_SECONDS": "2",
            "PYTHONUNBUFFERED": "1",
        }
        (self.dir / "var").mkdir(mode=0o700)
        return env

    def tls_certificate(self) -> tuple[Path, Path]:
        cert, key = self.dir / "tls" / "cert.pem", self.dir / "tls" / "key.pem"
        cert.parent.mkdir(mode=0o700)
        subprocess.run(  # noqa: S603
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",  # noqa: S607
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        return cert, key

    def set_up(self) -> None:
        for name, port in self.ports.items():
            if not port_free(port):
                raise RuntimeError(f"port {port} ({name}) is in use: pass another --port-base")
        self.logs.mkdir(parents=True)
        self.env = self.environment()
        self.cert, key = self.tls_certificate()
        import redis

        redis.Redis.from_url(self.options.redis_url).flushdb()
        self.events.say(f"run {self.run_id}: database {self.database}, logs in {self.logs}")

        moto = Proc(
            "s3",
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports["s3"])],
            self.env,
            self.logs,
        )
        self.procs["s3"] = moto
        moto.start()
        wait_for_port(self.ports["s3"], timeout=30, proc=moto)
        import boto3

        boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        ).create_bucket(Bucket=self.bucket)

        # The release step, once, before any web process starts (docs/deployment.md).
        psql(f'create database "{self.database}"')
        started = time.monotonic()
        manage(self.env, "migrate", "--no-input", "-v0", logs=self.logs)
        manage(self.env, "collectstatic", "--no-input", "-v0", logs=self.logs)
        for command in ("load_regions", "seed_catalogue", "seed_complaint_categories"):
            manage(self.env, command, logs=self.logs)
        self.events.say(
            f"release step (migrate, collectstatic, seed) took {time.monotonic() - started:.0f} s"
        )

        for web in ("web1", "web2"):
            self.procs[web] = Proc(web, self.gunicorn(self.ports[web]), self.env, self.logs)
        for worker in ("worker1", "worker2"):
            self.procs[worker] = Proc(
                worker, [str(BIN / "python"), "manage.py", "worker"], self.env, self.logs
            )
        for name in ("web1", "web2", "worker1", "worker2"):
            self.procs[name].start()
        for web in ("web1", "web2"):
            wait_for_port(self.ports[web], timeout=60, proc=self.procs[web])

        nginx_dir = self.dir / "nginx"
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (nginx_dir / sub).mkdir(parents=True)
        conf = nginx_dir / "nginx.conf"
        conf.write_text(
            render(
                {
                    # The throwaway instance's workers run as whoever runs the check: they read the
                    # release's files under var/ (private to that user) and write their temporary files.
                    "NGINX_USER": getpass.getuser(),
                    "NGINX_PREFIX": str(nginx_dir),
                    "LISTEN": f"127.0.0.1:{self.ports['nginx']}",
                    "SERVER_NAME": "127.0.0.1 localhost",
                    "TLS_CERT": str(self.cert),
                    "TLS_KEY": str(key),
                    "WEB_1": f"127.0.0.1:{self.ports['web1']}",
                    "WEB_2": f"127.0.0.1:{self.ports['web2']}",
                    "STATIC_ROOT": str(self.dir / "var" / "static"),
                }
            ),
            encoding="utf-8",
        )
        nginx = Proc(
            "nginx", [NGINX, "-p", str(nginx_dir), "-c", str(conf), "-g", "daemon off;"], self.env, self.logs
        )
        self.procs["nginx"] = nginx
        nginx.start()
        wait_for_port(self.ports["nginx"], timeout=20, proc=nginx)
        self.wait_ready()
        self.events.say(
            "up: nginx, 2 web processes (gunicorn --workers 2 --threads 4), 2 workers, S3, PostgreSQL, Redis"
        )

    def gunicorn(self, port: int) -> list[str]:
        return [
            str(BIN / "gunicorn"), "layanan.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
            "--timeout", "60", "--graceful-timeout", "20", "--access-logfile", "-",
        ]  # fmt: skip

    def wait_healthy(self, web: str) -> float:
        """Wait until ``web`` itself (not through nginx) answers /healthz with 200; when it did."""
        wait_for_port(self.ports[web], timeout=90, proc=self.procs[web])
        url = f"http://127.0.0.1:{self.ports[web]}/healthz"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=10, headers={"X-Forwarded-Proto": "https"}).status_code == 200:
                    return time.monotonic()
            time.sleep(0.2)
        raise RuntimeError(f"{web} did not answer /healthz")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if (
                    requests.get(self.base_url + "/healthz", verify=str(self.cert), timeout=10).status_code
                    == 200
                ):
                    return
            time.sleep(0.5)
        raise RuntimeError("/healthz did not answer 200 through nginx")

    def django(self) -> None:
        """Django in this process, on the run's database and bucket, for the seeding and the checks."""
        os.environ.update(self.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "layanan.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def citizens(self, count: int) -> list[tuple[str, str]]:
        """``count`` citizens with proven phones, sharing one password (hashed once: Argon2 is slow)."""
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from layanan.accounts.models import User

        password = f"uji-{secrets.token_urlsafe(12)}"
        hashed = make_password(password)
        start = User.objects.count()
        made = []
        for number in range(start, start + count):
            phone = f"0813{number:08d}"
            user = User.objects.create_user(phone, None, full_name=f"Warga Uji {number}")
            User.objects.filter(pk=user.pk).update(password=hashed, phone_verified_at=timezone.now())
            made.append((phone, password))
        return made

    # -- load --------------------------------------------------------------------------------------------

    def static_path(self) -> str:
        page = requests.get(self.base_url + "/", verify=str(self.cert), timeout=20).text
        found = re.search(r'(/static/[^"\']+\.css)', page)
        return found.group(1) if found else "/static/missing.css"

    def reader(self, stop: threading.Event, static: str) -> None:
        client = Client(self.base_url, self.cert, self.options.timeout, self.recorder)
        paths = ["/", "/lapor/publik/", "/layanan/", static, "/healthz"]
        while not stop.is_set():
            client.call("read", "GET", RNG.choice(paths))
            time.sleep(RNG.uniform(0.0, 0.1))

    def submitter(self, stop: threading.Event, number: int, accounts: Iterator[tuple[str, str]]) -> None:
        citizen: Citizen | None = None
        count = 0
        while not stop.is_set():
            if citizen is None or citizen.sent >= SUBMISSIONS_PER_USER:
                with self.recorder.lock:
                    account = next(accounts, None)
                if account is None:
                    return
                client = Client(self.base_url, self.cert, self.options.timeout, self.recorder)
                citizen = Citizen(client, *account)
            if not citizen.signed_in and not citizen.sign_in():
                time.sleep(0.5)
                continue
            count += 1
            submission = Submission(
                marker=f"DC{self.run_id}T{number}N{count}X",
                submit_key="",
                photo=count % 3 == 1,
                thread=number,
            )
            with self.recorder.lock:
                self.owners[submission.marker] = citizen
            citizen.file(submission)
            citizen.sent += 1
            with self.recorder.lock:
                self.recorder.submissions.append(submission)
            time.sleep(RNG.uniform(0.0, 0.2))

    def kill_worker_holding_a_task(self, name: str) -> None:
        """SIGKILL ``name``, preferably while it runs a task (waits up to 8 s for one)."""
        from django.db import close_old_connections
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from layanan.core.models import WorkerHeartbeat

        proc = self.procs[name]
        worker_id = ""
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            close_old_connections()
            worker_id = worker_id or next(
                iter(WorkerHeartbeat.objects.filter(pid=proc.pid).values_list("worker_id", flat=True)), ""
            )
            if worker_id:
                held = [
                    (str(task.id), task.task_path)
                    for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
                        "id", "task_path", "worker_ids"
                    )
                    if task.worker_ids and task.worker_ids[-1] == worker_id
                ]
                if held:
                    proc.kill()
                    self.events.killed_task = held[0][0]
                    self.events.say(
                        f"SIGKILL {name} (pid {proc.pid}) while it ran task {held[0][0]} ({held[0][1]})"
                    )
                    return
            time.sleep(0.01)
        proc.kill()
        self.events.say(f"SIGKILL {name} (pid {proc.pid}); it held no task at that moment")

    def load(self) -> None:
        duration = self.options.duration
        accounts = iter(self.citizens(self.options.citizens))
        static = self.static_path()
        stop = threading.Event()
        threads = [
            threading.Thread(target=self.reader, args=(stop, static)) for _ in range(self.options.readers)
        ]
        threads += [
            threading.Thread(target=self.submitter, args=(stop, number, accounts))
            for number in range(self.options.submitters)
        ]
        self.events.say(
            f"load for {duration} s: {self.options.readers} reader and "
            f"{self.options.submitters} submitter threads"
        )
        started = time.monotonic()
        for thread in threads:
            thread.start()

        def at(fraction: float, action: Callable[[], None]) -> None:
            time.sleep(max(0.0, started + duration * fraction - time.monotonic()))
            action()

        def kill_web() -> None:
            self.procs["web1"].kill()
            self.events.say(f"SIGKILL web1 (gunicorn group of pid {self.procs['web1'].pid})")

        def restart() -> None:
            self.procs["web1"].start()
            self.procs["worker1"].start()
            self.events.say("web1 and worker1 started again (as their supervisor would)")
            self.web1_ready = self.wait_healthy("web1")
            self.events.say("web1 answers /healthz again")

        def rolling_restart() -> None:
            """A release's restart of web2, done as docs/deployment.md says: only once web1 is serving
            (healthy, and nginx's fail_timeout of 5 s since it came back has passed), SIGTERM (finish what
            is in hand), start again, wait until it is healthy."""
            time.sleep(max(0.0, self.web1_ready + 5.5 - time.monotonic()))
            self.rolling = (time.monotonic(), 0.0)
            self.procs["web2"].stop()
            self.procs["web2"].start()
            self.wait_healthy("web2")
            self.rolling = (self.rolling[0], time.monotonic())
            self.events.say(
                f"web2 restarted gracefully (SIGTERM, start) in {self.rolling[1] - self.rolling[0]:.1f} s"
            )

        at(0.30, kill_web)
        at(0.40, lambda: self.kill_worker_holding_a_task("worker1"))
        at(0.60, restart)
        at(0.80, rolling_restart)
        at(1.0, stop.set)
        for thread in threads:
            thread.join(self.options.timeout + 30)
        self.events.say(
            f"load stopped: {len(self.recorder.outcomes)} requests, "
            f"{len(self.recorder.submissions)} submissions"
        )

    def resend_failed(self) -> None:
        """Each failed submission sent again by its citizen with its submit key, as after an error page."""
        for submission in [s for s in self.recorder.submissions if s.result == "failed"]:
            owner = self.owners[submission.marker]
            if not owner.signed_in:
                owner.sign_in()
            again = dataclasses.replace(submission, result="", detail="")
            if submission.submit_key:
                owner.file(again, kind="resend", key_from_form=False)
            else:  # the form page itself failed: nothing was sent, a new form is filled
                owner.file(again, kind="resend")
            submission.resend = again.result + (
                f" {again.public_id}" if again.public_id else f" ({again.detail})"
            )
            if again.result == "accepted":
                submission.public_id = again.public_id

    # -- drain and checks --------------------------------------------------------------------------------

    def drain(self) -> float:
        """Wait until no task is ready or running and every notice is settled; the seconds it took."""
        from django.db import close_old_connections
        from django.utils import timezone
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from layanan.notifications.models import FINISHED_STATUSES, Message

        started = time.monotonic()
        deadline = started + self.options.drain_timeout
        calm = 0
        while time.monotonic() < deadline:
            close_old_connections()
            busy = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
            ready = DBTaskResult.objects.filter(
                status=TaskResultStatus.READY, run_after__lte=timezone.now()
            ).count()
            unsettled = (
                Message.objects.exclude(status__in=FINISHED_STATUSES).exclude(status="skipped").count()
            )
            calm = calm + 1 if busy == ready == unsettled == 0 else 0
            if calm >= 3:
                break
            time.sleep(1)
        return time.monotonic() - started

    def check(self) -> list[tuple[str, str, str]]:
        """The rows of the summary: (what, figure, verdict); violations go to the recorder."""
        from django.db import close_old_connections
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from layanan.complaints.models import Report, ReportPhoto
        from layanan.core.filecrypt import MAGIC
        from layanan.notifications.models import Message

        close_old_connections()
        rows: list[tuple[str, str, str]] = []
        violations = self.recorder.violations

        # Requests.
        verdicts = collections.Counter((o.kind, o.verdict) for o in self.recorder.outcomes)
        statuses = collections.Counter(o.status or o.error for o in self.recorder.outcomes)
        for kind in ("read", "sign_in", "form", "submit", "done", "resend"):
            ok, clean, bad = (verdicts[(kind, v)] for v in ("ok", "clean failure", "VIOLATION"))
            if ok or clean or bad:
                rows.append(
                    (
                        f"requests: {kind}",
                        f"{ok} ok, {clean} clean failures, {bad} violations",
                        "ok" if not bad else "FAIL",
                    )
                )
        begin, end = self.rolling
        during = [o for o in self.recorder.outcomes if begin <= o.at <= end + 1.0]
        clean_during = sum(o.verdict == "clean failure" for o in during)
        rows.append(
            (
                "requests during web2's graceful restart",
                f"{len(during)}: {len(during) - clean_during} ok, {clean_during} clean failures",
                "ok" if not clean_during else "note",
            )
        )
        slowest = max((o.seconds for o in self.recorder.outcomes), default=0.0)
        rows.append(
            ("requests: statuses", ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)), "")
        )
        rows.append(
            ("requests: slowest answer", f"{slowest:.1f} s (timeout {self.options.timeout:.0f} s)", "")
        )

        # nginx: static files from its own copy (no upstream), nothing it could not do.
        nginx_dir = self.dir / "nginx"
        access = (nginx_dir / "access.log").read_text(encoding="utf-8", errors="replace").splitlines()
        static_lines = [line for line in access if '"GET /static/' in line]
        local = sum(" upstream=- " in line for line in static_lines)
        rows.append(("static files served by nginx itself", f"{local} of {len(static_lines)}", ""))
        errors = (nginx_dir / "error.log").read_text(encoding="utf-8", errors="replace").splitlines()
        serious = [
            line for line in errors if any(f"[{level}]" in line for level in ("crit", "alert", "emerg"))
        ]
        violations.extend(f"nginx: {line}" for line in serious[:5])
        rows.append(("nginx errors (crit, alert, emerg)", str(len(serious)), "ok" if not serious else "FAIL"))

        # Submissions.
        run_reports = Report.objects.filter(text__contains=f"DC{self.run_id}T")
        stored: dict[str, list[Report]] = collections.defaultdict(list)
        for report in run_reports.only("id", "text", "public_id", "submit_key"):
            found = re.search(r"(DC\w+?X)", report.text)
            stored[found.group(1) if found else "?"].append(report)
        subs = self.recorder.submissions
        accepted = [s for s in subs if s.result == "accepted"]
        failed = [s for s in subs if s.result == "failed"]
        for s in accepted:
            got = stored.get(s.marker, [])
            if len(got) != 1 or str(got[0].public_id) != s.public_id:
                violations.append(f"accepted {s.marker} stored {len(got)} time(s)")
        twice = [marker for marker, reports in stored.items() if len(reports) > 1]
        violations.extend(f"{marker} stored {len(stored[marker])} times" for marker in twice)
        unknown = set(stored) - {s.marker for s in subs}
        violations.extend(f"stored but never sent: {marker}" for marker in sorted(unknown))
        rows.append(("submissions accepted", f"{len(accepted)} of {len(subs)}; each stored once: "
                     f"{sum(len(stored.get(s.marker, [])) == 1 for s in accepted)}", "ok"))  # fmt: skip
        rows.append(("markers stored twice", str(len(twice)), "ok" if not twice else "FAIL"))
        present = [
            s for s in failed if s.resend.startswith("accepted") and len(stored.get(s.marker, [])) == 1
        ]
        for s in failed:
            got = stored.get(s.marker, [])
            if len(got) > 1:
                violations.append(f"failed {s.marker} stored {len(got)} times")
            if not s.resend.startswith("accepted"):
                violations.append(f"the resend of {s.marker} did not file it: {s.resend}")
            elif len(got) != 1 or str(got[0].public_id) != s.public_id:
                violations.append(f"the resend of {s.marker} gave {s.public_id}, stored {len(got)} time(s)")
        rows.append(("submissions failed cleanly", str(len(failed)), ""))
        rows.append(
            (
                "  resent with the same key",
                f"{len(present)} now stored once",
                "ok" if len(present) == len(failed) else "FAIL",
            )
        )
        for s in failed:
            before = self.stored_before_resend.get(s.marker, "?")
            self.events.lines.append(
                f"failed submission {s.marker}: {s.detail}; stored before the resend: {before}; "
                f"resend: {s.resend}"
            )
        other = [s for s in subs if s.result not in ("accepted", "failed")]
        rows.append(("submissions with a violation", str(len(other)), "ok" if not other else "FAIL"))

        # Tasks.
        tasks = DBTaskResult.objects.all()
        by_status = collections.Counter(tasks.values_list("status", flat=True))
        kinds = collections.Counter(
            path.rsplit(".", 1)[-1] for path in tasks.values_list("task_path", flat=True)
        )
        rows.append(("tasks by kind", ", ".join(f"{k}: {v}" for k, v in kinds.most_common()), ""))
        rows.append(("tasks by status", ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())), ""))
        left = (
            by_status.get(TaskResultStatus.RUNNING, 0)
            + tasks.filter(
                status=TaskResultStatus.READY,
                run_after__lte=__import__("django.utils.timezone").utils.timezone.now(),
            ).count()
        )
        if left:
            violations.append(f"{left} task(s) still ready or running after the drain")
        rows.append(("tasks left ready/running", str(left), "ok" if not left else "FAIL"))
        failed_tasks = list(
            tasks.filter(status=TaskResultStatus.FAILED).values_list("task_path", "exception_class_path")
        )
        violations.extend(f"task failed: {path} ({exc})" for path, exc in failed_tasks)
        rows.append(("tasks failed", str(len(failed_tasks)), "ok" if not failed_tasks else "FAIL"))
        taken = [t for t in tasks.only("id", "worker_ids", "status", "task_path") if len(t.worker_ids) > 1]
        rows.append(
            (
                "tasks taken over from a killed worker",
                ", ".join(f"{t.task_path.rsplit('.', 1)[-1]} -> {t.status}" for t in taken) or "0",
                "",
            )
        )
        if self.events.killed_task:
            killed = tasks.filter(id=self.events.killed_task).values_list("status", "worker_ids").first()
            verdict = (
                "ok"
                if killed and killed[0] == TaskResultStatus.SUCCESSFUL and len(killed[1]) == 2
                else "FAIL"
            )
            if verdict == "FAIL":
                violations.append(f"the task held by the killed worker ended as {killed}")
            rows.append(
                (
                    "  the killed worker's task",
                    f"{killed[0] if killed else '?'} after {len(killed[1]) if killed else '?'} runs",
                    verdict,
                )
            )

        # Each stored report's notice: one message, sent once.
        report_ids = [r.pk for reports in stored.values() for r in reports]
        numbers = list(Report.objects.filter(pk__in=report_ids).values_list("tracking_number", flat=True))
        messages = Message.objects.filter(tracking_number__in=numbers, event="report.received")
        per_report = collections.Counter(messages.values_list("tracking_number", flat=True))
        sends = collections.Counter(
            {m.tracking_number: sum(1 for h in m.history if h.get("outcome") == "sent") for m in messages}
        )
        no_notice = [n for n in numbers if per_report[n] != 1]
        not_once = [n for n in numbers if sends[n] != 1]
        violations.extend(f"report {n}: {per_report[n]} notice(s)" for n in no_notice)
        violations.extend(f"report {n}: notice sent {sends[n]} time(s)" for n in not_once)
        good = len(numbers) - len(set(no_notice) | set(not_once))
        rows.append(("notices: one per stored report, sent once", f"{good} of {len(numbers)}",
                     "ok" if not no_notice and not not_once else "FAIL"))  # fmt: skip

        # Files.
        photos = list(ReportPhoto.objects.filter(report_id__in=report_ids).values_list("report_id", "file"))
        expected = sum(1 for s in subs if s.photo and stored.get(s.marker))
        storage = __import__("django.core.files.storage", fromlist=["storages"]).storages["default"]
        listed = collections.Counter(storage.walk())
        in_bucket = {name for name in listed if name.startswith("reports/")}
        named = {name for _report, name in photos}
        missing = sorted(named - in_bucket)
        clear = [name for name in named & in_bucket if storage.open_raw(name).read(len(MAGIC)) != MAGIC]
        orphans = sorted(in_bucket - named)
        violations.extend(f"photo missing from the bucket: {name}" for name in missing)
        violations.extend(f"photo stored in clear: {name}" for name in clear)
        if len(photos) != expected:
            violations.append(f"{len(photos)} photo rows for {expected} photos sent with stored reports")
        rows.append(
            (
                "photos: rows / sent with stored reports",
                f"{len(photos)} / {expected}",
                "ok" if len(photos) == expected else "FAIL",
            )
        )
        good = len(named & in_bucket) - len(clear)
        rows.append(("photos in the bucket once, encrypted", f"{good} of {len(named)}",
                     "ok" if not missing and not clear else "FAIL"))  # fmt: skip
        rows.append(
            (
                "bucket objects no report names (killed before commit)",
                str(len(orphans)),
                "note" if orphans else "ok",
            )
        )
        for name in orphans:
            self.events.lines.append(f"orphan object in the bucket: {name}")
        return rows

    def snapshot_failed(self) -> None:
        """Before the resend: whether each failed submission was stored anyway (web died after commit)."""
        from django.db import close_old_connections

        from layanan.complaints.models import Report

        close_old_connections()
        self.stored_before_resend = {
            s.marker: Report.objects.filter(text__contains=s.marker).count()
            for s in self.recorder.submissions
            if s.result == "failed"
        }

    # -- tear-down ---------------------------------------------------------------------------------------

    def tear_down(self) -> None:
        for name in ("nginx", "web1", "web2", "worker1", "worker2", "s3"):
            if name in self.procs:
                self.procs[name].stop()
        # The run's keys are throwaway, but keys all the same: they do not stay on disk with the logs.
        shutil.rmtree(self.dir / "secrets", ignore_errors=True)
        (self.dir / "tls" / "key.pem").unlink(missing_ok=True)
        if not self.options.keep and self.env:
            shutil.rmtree(self.dir / "var", ignore_errors=True)
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            with contextlib.suppress(subprocess.CalledProcessError):
                psql(f'drop database if exists "{self.database}" with (force)')


def summary(run: Run, rows: list[tuple[str, str, str]], timings: dict[str, float]) -> str:
    width = max(len(what) for what, _f, _v in rows)
    lines = ["", "=" * 100, f"KILL UNDER LOAD — run {run.run_id}", "=" * 100]
    lines += [f"{what:<{width}}  {figure:<60}  {verdict}" for what, figure, verdict in rows]
    lines.append("-" * 100)
    lines += [f"{name}: {seconds:.1f} s" for name, seconds in timings.items()]
    lines.append("timeline:")
    lines += [f"  {line}" for line in run.events.lines]
    violations = run.recorder.violations
    lines.append(f"VIOLATIONS: {len(violations)}")
    lines += [f"  - {v}" for v in violations[:50]]
    lines.append("RESULT: " + ("PASS" if not violations else "FAIL"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=45.0, help="seconds of load (default %(default)s)")
    parser.add_argument("--readers", type=int, default=3)
    parser.add_argument("--submitters", type=int, default=3)
    parser.add_argument("--citizens", type=int, default=60, help="accounts made for the submitters")
    parser.add_argument(
        "--timeout", type=float, default=40.0, help="seconds a request may take (default %(default)s)"
    )
    parser.add_argument("--drain-timeout", type=float, default=150.0)
    parser.add_argument("--port-base", type=int, default=18000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--keep", action="store_true", help="keep the database (logs are always kept)")
    parser.add_argument("--json", type=Path, help="also write the summary rows as JSON here")
    options = parser.parse_args(argv)

    run = Run(options)
    timings: dict[str, float] = {}
    rows: list[tuple[str, str, str]] = []
    try:
        started = time.monotonic()
        run.set_up()
        run.django()
        timings["set-up"] = time.monotonic() - started
        started = time.monotonic()
        run.load()
        timings["load"] = time.monotonic() - started
        run.snapshot_failed()
        run.resend_failed()
        timings["drain"] = run.drain()
        run.events.say(f"queue drained in {timings['drain']:.1f} s")
        rows = run.check()
    finally:
        run.tear_down()
    text = summary(run, rows, timings)
    sys.stdout.write(text + "\n")
    (run.dir / "summary.txt").write_text(text + "\n", encoding="utf-8")
    if options.json:
        options.json.write_text(json.dumps({"rows": rows, "violations": run.recorder.violations}, indent=2))
    return 0 if not run.recorder.violations else 1


if __name__ == "__main__":
    raise SystemExit(main())
