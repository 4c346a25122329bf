"""The deployment recipe's pieces (deploy/): the nginx config and the kill check's own judgement.

The kill-under-load run itself is ``make deploy-check`` (minutes long, not part of the suite); these
tests check what it is built from: the rendered nginx config is valid for nginx and keeps its retry rule,
and the check tells a clean failure from a violation.
"""

from __future__ import annotations

import getpass
import shutil
import subprocess
from pathlib import Path

import pytest

from deploy.kill_under_load import Outcome, parse_form
from deploy.render_nginx import HERE, render

VALUES = {
    "NGINX_PREFIX": "/srv/nginx",
    "LISTEN": "127.0.0.1:18000",
    "SERVER_NAME": "localhost",
    "TLS_CERT": "/srv/tls/cert.pem",
    "TLS_KEY": "/srv/tls/key.pem",
    "WEB_1": "127.0.0.1:18001",
    "WEB_2": "127.0.0.1:18002",
    "STATIC_ROOT": "/srv/layanan/static",
}


def test_the_template_fills_its_placeholders_and_leaves_nginx_variables_alone():
    conf = render(VALUES)

    assert "server 127.0.0.1:18001 max_fails=1" in conf
    assert "server 127.0.0.1:18002 max_fails=1" in conf
    assert "listen 127.0.0.1:18000 ssl;" in conf
    assert "alias /srv/layanan/static/;" in conf
    assert "rid=$request_id" in conf
    assert "try_files $uri @web;" in conf
    assert "${" not in conf


def test_a_missing_value_stops_the_rendering_with_its_name():
    values = dict(VALUES)
    del values["WEB_2"]
    with pytest.raises(KeyError, match="WEB_2"):
        render(values)


def test_a_post_is_retried_elsewhere_only_when_it_was_never_sent():
    params = (HERE / "proxy_params.conf").read_text(encoding="utf-8")
    rules = [
        line.strip() for line in params.splitlines() if line.strip() and not line.strip().startswith("#")
    ]

    assert "proxy_next_upstream error timeout;" in rules
    assert not any("non_idempotent" in rule for rule in rules)
    assert not any(rule.startswith("proxy_next_upstream ") and "http_5" in rule for rule in rules)
    assert "proxy_set_header X-Request-ID $request_id;" in rules
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in rules


@pytest.mark.skipif(
    not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="nginx not installed"
)
@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl not installed")
def test_nginx_accepts_the_rendered_config(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (tmp_path / sub).mkdir(parents=True)
    static = tmp_path / "static"
    static.mkdir()
    conf = tmp_path / "nginx.conf"
    values = {
        **VALUES,
        "NGINX_USER": getpass.getuser(),
        "NGINX_PREFIX": str(tmp_path),
        "TLS_CERT": str(cert),
        "TLS_KEY": str(key),
        "STATIC_ROOT": str(static),
    }
    conf.write_text(render(values), encoding="utf-8")

    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


@pytest.mark.parametrize(
    ("outcome", "verdict"),
    [
        (Outcome("submit", 302), "ok"),
        (Outcome("read", 200), "ok"),
        (Outcome("submit", 502), "clean failure"),
        (Outcome("read", 503), "clean failure"),
        (Outcome("read", 504), "clean failure"),
        (Outcome("read", None, "refused"), "clean failure"),
        (Outcome("submit", 500), "VIOLATION"),
        (Outcome("submit", 403), "VIOLATION"),
        (Outcome("read", None, "timeout"), "VIOLATION"),
        (Outcome("read", None, "ChunkedEncodingError"), "VIOLATION"),
    ],
)
def test_the_check_tells_a_clean_failure_from_a_violation(outcome, verdict):
    assert outcome.verdict == verdict


def test_the_form_parser_finds_the_hidden_fields_and_the_choices():
    page = """<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="tok">
    <input type="hidden" name="submit_key" value="9f1c"><select name="category">
    <option value="">Pilih</option><option value="3">Jalan</option><option value="4">Air</option></select>
    <select name="region"><option value="18.03.01.2001">Desa</option></select><input name="text"></form>"""

    form = parse_form(page)

    assert form.hidden == {"csrfmiddlewaretoken": "tok", "submit_key": "9f1c"}
    assert form.options["category"] == ["3", "4"]
    assert form.options["region"] == ["18.03.01.2001"]
