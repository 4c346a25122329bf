"""Render ``deploy/nginx.conf.template``: ``python -m deploy.render_nginx > /etc/nginx/layanan.conf``.

Every ``${NAME}`` of the template is taken from the environment (or from ``values``); a missing one
stops with its name, so no half-filled config is ever written.
"""

from __future__ import annotations

import os
import re
import string
import sys
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx.conf.template"
DEFAULTS = {
    "NGINX_USER": "www-data",
    "MIME_TYPES": "/etc/nginx/mime.types",
    "PROXY_PARAMS": str(HERE / "proxy_params.conf"),
}


class _Placeholders(string.Template):
    """Only ``${UPPER_CASE}`` is a placeholder: nginx's own ``$variables`` are left as they are."""

    flags = re.VERBOSE
    pattern = r"\$(?:(?P<escaped>(?!))|(?P<named>(?!))|\{(?P<braced>[A-Z][A-Z0-9_]*)\}|(?P<invalid>(?!)))"  # type: ignore[assignment]


def render(values: Mapping[str, str]) -> str:
    """The template filled with ``values`` (over :data:`DEFAULTS`); KeyError names a missing one."""
    template = _Placeholders(TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute({**DEFAULTS, **values})


def main() -> int:
    try:
        sys.stdout.write(render(os.environ))
    except KeyError as missing:
        sys.stderr.write(f"render_nginx: set {missing.args[0]} in the environment\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
