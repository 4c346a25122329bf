"""Every URL of the platform, who may open it, and whether it is an HTML page.

The permission-matrix test resolves every named URL pattern and fails when
one has no row here, so a new page cannot ship without saying who may see it.
The page-budget browser test visits every ``page=True`` row as each persona
whose expected status is 200.

``expect`` maps a persona name (``anonymous`` or a name from
``layanan.core.testing.Cast.all()``) to the status of a GET. ``302`` means
"sent to sign in" for anonymous users. Rows may give ``kwargs`` (a function
of the cast returning URL kwargs) for patterns with parameters. An anonymous
``302`` is checked to lead to the sign-in page unless ``extra["anonymous_redirect"]``
names another target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("anonymous", "siti", "budi", "andi", "rini", "bupati", "auditor", "admin", "sekar")
EVERYONE_200 = dict.fromkeys(PERSONAS, 200)
AUDIT_READERS_ONLY = {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "auditor": 200, "admin": 200}


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
    Row("core:privacy", EVERYONE_200),
    Row(
        "set_language",
        dict.fromkeys(PERSONAS, 302),
        page=False,
        notes="Django's language switch: a GET only redirects back (to / here), a POST sets the cookie.",
        extra={"anonymous_redirect": "/"},
    ),
    Row("core:healthz", EVERYONE_200, page=False),
    Row("accounts:login", EVERYONE_200),
    Row("accounts:logout", dict.fromkeys(PERSONAS, 405), page=False, notes="Sign-out is POST only."),
    Row(
        "accounts:register",
        {**dict.fromkeys(PERSONAS, 302), "anonymous": 200},
        notes="Signed-in people are sent to their profile.",
    ),
    Row("accounts:profile", {**EVERYONE_200, "anonymous": 302}),
    Row(
        "accounts:verify",
        dict.fromkeys(PERSONAS, 302),
        notes="Anonymous: to sign-in. Citizens need no code and sign_in() has passed the step for staff, "
        "so everyone is sent on; the page itself is tested in layanan/accounts/tests/test_second_factor.py.",
    ),
    Row(
        "accounts:setup_2fa",
        {**EVERYONE_200, "anonymous": 302, "siti": 403},
        notes="Staff (verified) may replace their authenticator; citizens have none.",
    ),
    Row("audit:event_list", AUDIT_READERS_ONLY, notes="can(actor, 'audit.read'): auditor and admin."),
    Row(
        "audit:object_history",
        AUDIT_READERS_ONLY,
        kwargs=lambda cast: {"object_type": "accounts.user", "object_id": str(cast.siti.pk)},
    ),
]

# URL names outside the matrix on purpose (Django's admin has its own
# permission system, tested in layanan/accounts/tests/test_admin_access.py).
EXCLUDED_NAMESPACES = ("admin",)
