"""Every URL of the platform, who may open it, and whether it is an HTML page.

The permission-matrix test resolves every named URL pattern and fails when
one has no row here, so a new page cannot ship without saying who may see it.
The page-budget browser test visits every ``page=True`` row as each persona
whose expected status is 200.

``expect`` maps a persona name (``anonymous`` or a name from
``layanan.core.testing.Cast.all()``) to the status of a GET. ``302`` means
"sent to sign in" for anonymous users. Rows may give ``kwargs`` (a function
of the cast returning URL kwargs) for patterns with parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("anonymous", "siti", "budi", "andi", "rini", "bupati", "auditor", "admin", "sekar")
EVERYONE_200 = dict.fromkeys(PERSONAS, 200)


@dataclass(frozen=True)
class Row:
    name: str  # "namespace:url_name"
    expect: dict[str, int]
    page: bool = True  # an HTML page for people (checked for weight and accessibility)
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


MATRIX: list[Row] = [
    Row("core:home", EVERYONE_200),
    Row("core:healthz", EVERYONE_200, page=False),
    Row("accounts:login", EVERYONE_200),
]

# URL names outside the matrix on purpose (Django's admin has its own
# permission system, tested in layanan/accounts/tests/test_admin_access.py).
EXCLUDED_NAMESPACES = ("admin",)
