# Layanan Lampura: the two commands are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON_VERSION := $(shell cat .python-version)
# pyenv (as on the project's machines) or any python$(PYTHON_VERSION) on PATH.
PYTHON ?= $(shell (pyenv which python$(PYTHON_VERSION) || pyenv which python || command -v python$(PYTHON_VERSION)) 2>/dev/null | head -n1)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test test-prerequisites install lint typecheck migrations-check security pytest messages lock bench bench-check bench-baseline clean

$(VENV)/.installed: requirements/base.txt requirements/dev.txt .python-version
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	@$(PYTHON) -c 'import sys; v="$(PYTHON_VERSION)".split("."); sys.exit(list(sys.version_info[:len(v)]) != [int(x) for x in v])' \
		|| { echo "$(PYTHON) is not Python $(PYTHON_VERSION)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

COMPILEMESSAGES = $(PY) manage.py compilemessages --ignore=.venv -v0

messages: install
	@scripts/test-prerequisites gettext
	@$(COMPILEMESSAGES)

# Chromium, DejaVu fonts and gettext (msgfmt): installed as root, else the command to run is printed
# and make stops before any test.
test-prerequisites:
	@scripts/test-prerequisites

# make run needs none of them: without msgfmt it serves the translations compiled in locale/.
run: install
	@if command -v msgfmt >/dev/null; then $(COMPILEMESSAGES); \
	else echo "msgfmt not found: using the compiled translations in locale/ (apt-get install gettext to rebuild them)."; fi
	HOST=$(HOST) PORT=$(PORT) scripts/run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy layanan bench tests conftest.py

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

# bandit (config: pyproject.toml [tool.bandit]) and the project's own semgrep rules (.semgrep/, each
# with an example it must catch: layanan/core/tests/test_security_rules.py), offline, from .venv only.
# Triage: docs/security.md, "Checks". bandit's notes about a nosec on a multi-line string are dropped.
SEMGREP_FLAGS := --config .semgrep --metrics=off --disable-version-check --error --quiet --exclude tests --exclude migrations
security: install
	$(VENV)/bin/bandit -q -c pyproject.toml -r layanan 2> >(grep -v "nosec encountered" >&2)
	SEMGREP_ENABLE_VERSION_CHECK=0 $(VENV)/bin/semgrep scan $(SEMGREP_FLAGS) layanan

pytest: test-prerequisites install messages
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: test-prerequisites lint typecheck migrations-check security pytest

# The benchmark suite (bench/README.md): under 15 minutes on 2 cores; writes bench/results/latest.md
# and latest.json. BENCH_ARGS="--only pages,complaints" or "--quick" for part of it or a short run.
bench: install
	$(PY) -m bench $(BENCH_ARGS)

# Fails when a figure of the last run fell more than 20 % below bench/baseline.json or missed a target.
bench-check: install
	$(PY) -m bench.check

# Writes bench/baseline.json from the last run: only on purpose, with the reason in the commit.
bench-baseline: install
	$(PY) -m bench.check --update

# The deployment recipe on this machine (docs/deployment.md, "Several hosts"): nginx, 2 web processes,
# 2 workers, PostgreSQL, Redis db 6 and moto's S3; kills a web process and a worker under load and
# proves nothing was lost or doubled. Heavy (about 4 minutes), so not part of make test.
.PHONY: deploy-check
deploy-check: install
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "Installing nginx (Debian package)"; \
	  apt-get install -y --no-install-recommends nginx >/dev/null 2>&1 || \
	  { apt-get update >/dev/null && apt-get install -y --no-install-recommends nginx >/dev/null; }; }
	$(PY) -m deploy.kill_under_load $(DEPLOY_CHECK_ARGS)

# Regenerate the lock files after editing requirements/*.in (needs network to PyPI).
lock: install
	$(PY) -m pip install --quiet uv
	cd requirements && ../$(VENV)/bin/uv pip compile --python-version $(PYTHON_VERSION) --generate-hashes -q base.in -o base.txt
	cd requirements && ../$(VENV)/bin/uv pip compile --python-version $(PYTHON_VERSION) --generate-hashes -q dev.in -o dev.txt

clean:
	rm -rf $(VENV) var/static
