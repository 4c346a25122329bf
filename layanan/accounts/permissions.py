"""Who may see and do what: the one place that decides.

Two questions, two functions, and every view, selector, export, admin page
and task asks them instead of filtering by hand:

``can(actor, action, obj=None) -> bool``
    May ``actor`` take ``action`` (a name from :data:`RULES`, such as
    ``"office.queue.read"``) on ``obj``? With ``obj=None`` the question is
    "may the actor do this at all, to something" (for showing a menu link);
    with an object the answer also checks that the object lies within the
    actor's reach. An action not in :data:`RULES` raises
    :class:`UnknownActionError`: nothing is allowed by default, and a typo
    fails loudly. ``require()`` is the same question raising
    :class:`~django.core.exceptions.PermissionDenied`.

``scope(actor, queryset, *, via=None, via_region=None, owner=None) -> QuerySet``
    Narrow ``queryset`` to the rows ``actor`` may see. Say how a row reaches
    the thing that decides:

    - ``via``: the lookup path from the model to an :class:`Office`
      (``via="office"`` for ``Application.office``, ``via="case__office"``
      through a relation, ``via=""`` when the queryset *is* offices);
    - ``via_region``: the path to a :class:`Region` (``via_region="home_region"``,
      ``via_region=""`` when the queryset *is* regions);
    - ``owner``: optionally, the path to the :class:`User` who owns the row
      (``owner="applicant"``), so a citizen sees their own rows. Citizens see
      nothing through ``via``/``via_region``: they are nobody's jurisdiction.

    Exactly one of ``via`` and ``via_region`` must be given. Examples::

        scope(actor, Office.objects.all(), via="")
        scope(actor, Application.objects.all(), via="office", owner="applicant")
        scope(actor, User.objects.filter(role=Role.CITIZEN), via_region="home_region")

Reach (:class:`Jurisdiction`), the same for both functions:

- administrators and auditors, and a leader without an office: the whole
  regency;
- a member of staff at an agency (OPD): that office's rows, and for
  region paths the agency's region (the regency);
- a member of staff at a kantor kecamatan or desa/kelurahan: every office
  and region inside that office's region (a kecamatan operator sees all the
  desa under the kecamatan; a desa operator only the desa);
- citizens and anonymous or inactive users: nothing.

Regions nest by their Kemendagri codes (``18.03.04`` contains
``18.03.04.2009``), so reach is a code-prefix test and never a query per row.

Adding an action: add one entry to :data:`RULES` (roles, and if the object
matters, a check from the ones below), a row per persona in
``layanan/accounts/tests/test_permissions.py``, and use it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Final

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet

from layanan.accounts.models import Role, User
from layanan.agencies.models import Office
from layanan.regions.models import Region

Actor = AbstractBaseUser | AnonymousUser
ObjectCheck = Callable[[User, object | None], bool]
CitizenLink = Callable[[User, User], bool]

__all__ = [
    "CITIZEN_HANDLING_CHECKS",
    "HANDLING_ROLES",
    "OBJECT_CHECKS",
    "RULES",
    "Jurisdiction",
    "Rule",
    "UnknownActionError",
    "can",
    "citizen_handling_check_register",
    "jurisdiction",
    "object_check_register",
    "registered",
    "require",
    "scope",
]


class UnknownActionError(LookupError):
    """``can()`` was asked about an action that :data:`RULES` does not define."""


@dataclass(frozen=True)
class Jurisdiction:
    """What a member of staff reaches.

    ``everything``: the whole regency. Otherwise ``office`` (only that office,
    for agencies) and/or ``region`` (everything inside this region). A
    jurisdiction with none of them reaches nothing.
    """

    everything: bool = False
    office_id: int | None = None
    region_code: str | None = None
    offices_by_region: bool = False  # kecamatan/desa staff: offices inside the region count too

    @property
    def is_empty(self) -> bool:
        return not self.everything and self.office_id is None and self.region_code is None

    def reaches_region(self, code: str) -> bool:
        if self.everything:
            return True
        return self.region_code is not None and _code_within(code, self.region_code)

    def reaches_office(self, office: Office) -> bool:
        if self.everything:
            return True
        if self.office_id is not None and office.pk == self.office_id:
            return True
        return self.offices_by_region and self.reaches_region(office.region_id)


NOWHERE: Final = Jurisdiction()
EVERYWHERE: Final = Jurisdiction(everything=True)


def _code_within(code: str, ancestor: str) -> bool:
    return code == ancestor or code.startswith(ancestor + ".")


def _active_user(actor: Actor | None) -> User | None:
    if isinstance(actor, User) and actor.is_active and actor.pk is not None:
        return actor
    return None


def jurisdiction(actor: Actor | None) -> Jurisdiction:
    """The reach of ``actor`` (see the module docstring)."""
    user = _active_user(actor)
    if user is None or user.role == Role.CITIZEN:
        return NOWHERE
    if user.role in (Role.ADMIN, Role.AUDITOR):
        return EVERYWHERE
    office = user.office
    if office is None:
        return EVERYWHERE if user.role == Role.LEADER else NOWHERE
    if office.kind == Office.Kind.AGENCY:
        return Jurisdiction(office_id=office.pk, region_code=office.region_id)
    return Jurisdiction(office_id=office.pk, region_code=office.region_id, offices_by_region=True)


# --- what an object is tied to --------------------------------------------------------------------


def _office_of(obj: object) -> Office | None:
    if isinstance(obj, Office):
        return obj
    office = getattr(obj, "office", None)
    return office if isinstance(office, Office) else None


def _region_code_of(obj: object) -> str | None:
    if isinstance(obj, Region):
        return obj.code
    if isinstance(obj, Office):
        return obj.region_id
    for attribute in ("region", "home_region"):
        region = getattr(obj, attribute, None)
        if isinstance(region, Region):
            return region.code
    return None


# --- object checks used by the rules ---------------------------------------------------------------


def _any_object(actor: User, obj: object | None) -> bool:
    return True


def _within_reach(actor: User, obj: object | None) -> bool:
    """The object (an office, a region, or a row with ``office``/``region``) is in the actor's reach."""
    reach = jurisdiction(actor)
    if obj is None:
        return not reach.is_empty
    office = _office_of(obj)
    if office is not None:
        return reach.reaches_office(office)
    code = _region_code_of(obj)
    if code is not None:
        return reach.reaches_region(code)
    return False


def _own_office(actor: User, obj: object | None) -> bool:
    """The object belongs to the actor's own office (signing is never delegated by region)."""
    if actor.office_id is None:
        return False
    if obj is None:
        return True
    office = _office_of(obj)
    return office is not None and office.pk == actor.office_id


def _is_admin_site_user(actor: User, obj: object | None) -> bool:
    return actor.is_staff


# Later apps register "this member of staff handles this citizen" here (an
# open application at the actor's office, a complaint they are answering...)
# from their AppConfig.ready(), through citizen_handling_check_register().
# Each check gets (actor, citizen) and returns True to allow.
CITIZEN_HANDLING_CHECKS: list[CitizenLink] = []


def citizen_handling_check_register(check: CitizenLink) -> None:
    """Add a "this member of staff handles this citizen" check (once, however often it is called)."""
    if check not in CITIZEN_HANDLING_CHECKS:
        CITIZEN_HANDLING_CHECKS.append(check)


# The object checks that need a later app's models (a report's dispositions...)
# are registered by that app from its AppConfig.ready(), under the name its rule
# in RULES gives through registered(). The table stays here; a rule whose check
# was never registered raises ImproperlyConfigured instead of answering.
OBJECT_CHECKS: dict[str, ObjectCheck] = {}


def object_check_register(name: str, check: ObjectCheck) -> None:
    """Supply the object check that ``registered(name)`` in :data:`RULES` stands for."""
    present = OBJECT_CHECKS.get(name)
    if present is not None and present is not check:
        raise ImproperlyConfigured(f"object check {name!r} is registered twice")
    OBJECT_CHECKS[name] = check


def registered(name: str) -> ObjectCheck:
    """A rule's check that the app owning the objects registers (see :data:`OBJECT_CHECKS`)."""

    def check(actor: User, obj: object | None) -> bool:
        try:
            found = OBJECT_CHECKS[name]
        except KeyError:
            raise ImproperlyConfigured(
                f"no object check {name!r} registered: is the app that owns it installed?"
            ) from None
        return found(actor, obj)

    check.__name__ = check.__qualname__ = f"registered({name!r})"
    return check


def _self_or_handling(actor: User, obj: object | None) -> bool:
    if actor.role == Role.CITIZEN:
        return obj is None or (isinstance(obj, User) and obj.pk == actor.pk)
    if not isinstance(obj, User):
        return False
    if obj.pk == actor.pk:
        return True
    return any(check(actor, obj) for check in CITIZEN_HANDLING_CHECKS)


_COUNTER_ROLES: Final = frozenset({Role.OPERATOR, Role.OFFICER, Role.ADMIN})


def _self_or_counter(actor: User, obj: object | None) -> bool:
    """Anyone sets their own NIK/KK; a counter operator sets it for a walk-in citizen of their region."""
    if obj is None:
        return True
    if not isinstance(obj, User):
        return False
    if obj.pk == actor.pk:
        return True
    if actor.role not in _COUNTER_ROLES or obj.role != Role.CITIZEN:
        return False
    return obj.home_region_id is None or jurisdiction(actor).reaches_region(obj.home_region_id)


# --- applications (permohonan) ----------------------------------------------------------------------

HANDLING_ROLES: Final = frozenset({Role.OFFICER, Role.OPERATOR, Role.SIGNER})


def _applies_for(actor: User, obj: object | None) -> bool:
    """A citizen applies for themself; an operator for a walk-in citizen within their reach."""
    if actor.role == Role.CITIZEN:
        return obj is None or (isinstance(obj, User) and obj.pk == actor.pk)
    if obj is None:
        return True
    if not isinstance(obj, User) or obj.role != Role.CITIZEN or not obj.is_active:
        return False
    return obj.home_region_id is None or jurisdiction(actor).reaches_region(obj.home_region_id)


def _applicant_side(actor: User, obj: object) -> bool:
    """The applicant, or the operator who started the application for them."""
    return actor.pk is not None and actor.pk in (
        getattr(obj, "applicant_id", None),
        getattr(obj, "submitted_by_id", None),
    )


def _is_draft(obj: object) -> bool:
    return getattr(obj, "status", None) == "draft"


def _is_practice(obj: object) -> bool:
    """A case made in practice mode: its own person's alone, never an office's (docs/practice-mode.md)."""
    return bool(getattr(obj, "practice", False))


def _reads_application(actor: User, obj: object | None) -> bool:
    """The applicant side always; staff when it is submitted and its office is within their reach."""
    if obj is None:
        return actor.role == Role.CITIZEN or not jurisdiction(actor).is_empty
    if _applicant_side(actor, obj):
        return True
    if actor.role == Role.CITIZEN or _is_draft(obj) or _is_practice(obj):
        return False
    office = _office_of(obj)
    return office is not None and jurisdiction(actor).reaches_office(office)


def _handles_application(actor: User, obj: object | None) -> bool:
    """Staff of the handling office itself (never by region), in one of the service's roles;
    a draft is the applicant's alone until it is submitted."""
    if not _own_office(actor, obj) or _is_draft(obj) or _is_practice(obj):
        return False
    service = getattr(obj, "service", None)
    if service is None:
        return obj is None or isinstance(obj, Office)
    return actor.role in {service.verify_role, service.decide_role, service.sign_role}


def _reads_attachment(actor: User, obj: object | None) -> bool:
    """The applicant side, or the staff handling the application the file belongs to."""
    if obj is None:
        return True
    application = getattr(obj, "application", None)
    if application is None:
        return False
    return _applicant_side(actor, application) or (
        actor.role in HANDLING_ROLES and _handles_application(actor, application)
    )


# --- assisted service (layanan dibantu operator) ----------------------------------------------------


def _serves_walk_in(actor: User, obj: object | None) -> bool:
    """An operator (or administrator) serves a walk-in citizen, or a visit, within their reach.

    A citizen: active, and living within the operator's region (or with no home desa yet). A
    visit (anything with ``office``): started at an office the actor reaches.
    """
    if obj is None:
        return True
    if isinstance(obj, User):
        if obj.role != Role.CITIZEN or not obj.is_active:
            return False
        return obj.home_region_id is None or jurisdiction(actor).reaches_region(obj.home_region_id)
    office = _office_of(obj)
    return office is not None and jurisdiction(actor).reaches_office(office)


# --- documents (surat) -------------------------------------------------------------------------------


def _signs_for(actor: User, obj: object | None) -> bool:
    """The official of the handling office whose role is the service's ``sign_role``."""
    if not _own_office(actor, obj):
        return False
    service = getattr(obj, "service", None)
    if service is None:
        return obj is None or isinstance(obj, Office)
    return actor.role == service.sign_role


def _signs_for_or_admin(actor: User, obj: object | None) -> bool:
    return actor.role == Role.ADMIN or _signs_for(actor, obj)


def _own_office_or_admin(actor: User, obj: object | None) -> bool:
    """An administrator for every office; anyone else only for their own office (never by region)."""
    return actor.role == Role.ADMIN or _own_office(actor, obj)


def _downloads_document(actor: User, obj: object | None) -> bool:
    """The document's owner (or the operator who applied for them), or staff of the issuing office."""
    if obj is None:
        return actor.role == Role.CITIZEN or actor.office_id is not None
    if actor.pk is not None and actor.pk in (
        getattr(obj, "owner_id", None),
        getattr(obj, "owner_agent_id", None),
    ):
        return True
    return actor.role in HANDLING_ROLES and _own_office(actor, obj)


# --- reports (laporan: pengaduan, aspirasi, permintaan informasi) -----------------------------------
# "report.handle" and "report.read" need the complaints models: layanan.complaints.permission_checks
# registers them.

_REPORT_HANDLING_ROLES: Final = frozenset({Role.OFFICER, Role.OPERATOR})


# --- aspirations (usulan Musrenbang) ---------------------------------------------------------------


def _resident_of(actor: User, obj: object | None) -> bool:
    """A citizen whose own desa (``home_region``) is the usulan's desa (or the region itself)."""
    if actor.home_region_id is None:
        return False
    if obj is None:
        return True
    code = _region_code_of(obj)
    return code is not None and code == actor.home_region_id


def _proposer_or_within_reach(actor: User, obj: object | None) -> bool:
    """An usulan's proposer (a citizen), or staff reaching its desa."""
    if actor.role == Role.CITIZEN:
        return obj is None or (actor.pk is not None and getattr(obj, "proposer_id", None) == actor.pk)
    return _within_reach(actor, obj)


# --- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Who may take an action: one of ``roles``, and ``check(actor, obj)`` says yes."""

    roles: frozenset[Role]
    check: ObjectCheck = _any_object
    description: str = ""


ALL_ROLES: Final = frozenset(Role)

RULES: Final[Mapping[str, Rule]] = {
    "admin.site": Rule(
        frozenset({Role.ADMIN}),
        _is_admin_site_user,
        "Open the Django admin.",
    ),
    "audit.read": Rule(
        frozenset({Role.AUDITOR, Role.ADMIN}),
        description="Read the audit log and every record's history.",
    ),
    "dashboard.read": Rule(
        frozenset({Role.LEADER, Role.ADMIN}),
        _within_reach,
        "Read the dashboards; a leader with an office only that office's (or its region's).",
    ),
    "office.queue.read": Rule(
        frozenset({Role.OFFICER, Role.OPERATOR, Role.SIGNER}),
        _within_reach,
        "Read an office's work queue: its own staff, and operators for offices in their region.",
    ),
    "citizen.identity.lookup": Rule(
        frozenset({Role.OFFICER, Role.OPERATOR, Role.ADMIN}),
        description="Find a citizen by NIK or KK (through the keyed hash).",
    ),
    "citizen.identity.read": Rule(
        ALL_ROLES,
        _self_or_handling,
        "See a citizen's NIK/KK in clear: the citizen, or staff handling them (CITIZEN_HANDLING_CHECKS).",
    ),
    "citizen.identity.write": Rule(
        ALL_ROLES,
        _self_or_counter,
        "Set a NIK/KK: one's own, or (counter staff) a citizen within their reach.",
    ),
    "assisted.serve": Rule(
        frozenset({Role.OPERATOR, Role.ADMIN}),
        _serves_walk_in,
        "Serve a walk-in citizen at a village or kecamatan office (find, register, consent, apply, "
        "receipt): operators for citizens and visits within their region, administrators everywhere.",
    ),
    "user.manage": Rule(
        frozenset({Role.ADMIN}),
        description="Create, change and deactivate users and their roles.",
    ),
    "application.apply": Rule(
        frozenset({Role.CITIZEN, Role.OPERATOR}),
        _applies_for,
        "Start an application: a citizen for themself, an operator for a walk-in citizen in reach.",
    ),
    "application.read": Rule(
        ALL_ROLES,
        _reads_application,
        "Read an application: its applicant, and staff (leaders, auditors too) reaching its office.",
    ),
    "application.handle": Rule(
        HANDLING_ROLES,
        _handles_application,
        "Work on an application: staff of the handling office in one of the service's roles.",
    ),
    "application.attachment.read": Rule(
        frozenset({Role.CITIZEN, *HANDLING_ROLES}),
        _reads_attachment,
        "Open an uploaded file: the applicant, and the staff handling the application.",
    ),
    "document.sign": Rule(
        frozenset({Role.SIGNER}),
        _own_office,
        "Sign a document issued by the signer's own office.",
    ),
    "document.issue": Rule(
        HANDLING_ROLES,
        _signs_for,
        "Issue (and replace) the letter of an application: the handling office's official in sign_role.",
    ),
    "document.revoke": Rule(
        frozenset({*HANDLING_ROLES, Role.ADMIN}),
        _signs_for_or_admin,
        "Revoke an issued document: the issuing office's official in sign_role, or an administrator.",
    ),
    "office.letterhead.write": Rule(
        frozenset({Role.OPERATOR, Role.SIGNER, Role.ADMIN}),
        _own_office_or_admin,
        "Edit an office's letterhead (kop surat) and letter code: its operator or signing official, "
        "or an administrator.",
    ),
    "document.download": Rule(
        ALL_ROLES,
        _downloads_document,
        "Download an issued PDF: the applicant (or assisting operator), and staff of the issuing office.",
    ),
    "report.verify": Rule(
        frozenset({Role.ADMIN}),
        description="Verify, postpone, refuse, archive and dispose reports; see the reporter (audited).",
    ),
    "report.handle": Rule(
        _REPORT_HANDLING_ROLES,
        registered("report.handle"),
        "Follow up and answer a report: staff of an office holding an active disposition of it.",
    ),
    "report.read": Rule(
        ALL_ROLES,
        registered("report.read"),
        "Read a report: reporter, supporters, the coordinator, auditors, staff of its disposition offices.",
    ),
    "message.log.read": Rule(
        frozenset({Role.AUDITOR, Role.ADMIN}),
        description="Search the delivery log of messages to people (no texts; phones by keyed hash).",
    ),
    # -- notifications rules --
    # -- monitoring rules --
    "survey.report.read": Rule(
        frozenset({Role.LEADER, Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.OPERATOR, Role.SIGNER}),
        _within_reach,
        "Read the published SKM report (figures) of an office within reach: its staff, leaders, auditors.",
    ),
    "survey.suggestions.read": Rule(
        frozenset({Role.LEADER, Role.OFFICER, Role.OPERATOR, Role.SIGNER}),
        _own_office,
        "Read the survey's free-text suggestions (never who wrote them): staff of that office only.",
    ),
    # -- survey rules --
    "feedback.read": Rule(
        frozenset({Role.ADMIN, Role.LEADER}),
        description="Read the platform's feedback (figures, redacted texts, exports, the SKM's platform "
        "question): administrators, and leaders read-only. Feedback belongs to no office.",
    ),
    "feedback.manage": Rule(
        frozenset({Role.ADMIN}),
        description="Tag the platform's feedback and record the changes made in answer to it (public).",
    ),
    # -- feedback rules --
    "servicepoint.manage": Rule(
        frozenset({Role.OPERATOR, Role.ADMIN}),
        _own_office_or_admin,
        "Keep a service point current (address, hours, services, phone): its office's operator, or an "
        "administrator (every point, those of no office too).",
    ),
    "announcement.write": Rule(
        frozenset({Role.OFFICER, Role.OPERATOR, Role.SIGNER, Role.ADMIN}),
        _own_office_or_admin,
        "Write, publish and withdraw an office's announcements: its own staff, or an administrator.",
    ),
    "announcement.subscribe": Rule(
        frozenset({Role.CITIZEN}),
        description="Subscribe to the offices' announcements by message (one's own subscriptions only).",
    ),
    # -- aspirations rules --
    "aspiration.propose": Rule(
        frozenset({Role.CITIZEN}),
        _any_object,
        "Propose an usulan for the Musrenbang (a citizen, for a desa of the regency; their own by default).",
    ),
    "aspiration.support": Rule(
        frozenset({Role.CITIZEN}),
        _resident_of,
        'Support an usulan ("Saya mendukung"): a citizen whose own desa is the usulan\'s desa.',
    ),
    "aspiration.manage": Rule(
        frozenset({Role.OPERATOR, Role.ADMIN}),
        _within_reach,
        "List, export and mark usulan (discussed, taken into the plan or not, built): operators for the "
        "desa of their region, administrators everywhere.",
    ),
    "aspiration.photo.read": Rule(
        frozenset({Role.CITIZEN, Role.OPERATOR, Role.ADMIN}),
        _proposer_or_within_reach,
        "See an usulan's photos: its proposer, and operators reaching its desa (administrators too).",
    ),
    # -- servicepoints rules --
}


def can(actor: Actor | None, action: str, obj: object | None = None) -> bool:
    """May ``actor`` take ``action`` (on ``obj``)? Unknown actions raise :class:`UnknownActionError`."""
    try:
        rule = RULES[action]
    except KeyError:
        raise UnknownActionError(f"no permission rule for action {action!r}") from None
    user = _active_user(actor)
    if user is None or user.role not in rule.roles:
        return False
    return rule.check(user, obj)


def require(actor: Actor | None, action: str, obj: object | None = None) -> None:
    """Raise :class:`PermissionDenied` unless ``can(actor, action, obj)``."""
    if not can(actor, action, obj):
        raise PermissionDenied(action)


def _prefix(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


def _region_q(path: str, code: str) -> Q:
    """Rows whose region (at ``path``, or the row itself when ``path`` is empty) is inside ``code``."""
    lookup = _prefix(path, "code")
    return Q(**{lookup: code}) | Q(**{f"{lookup}__startswith": code + "."})


def scope[M: Model](
    actor: Actor | None,
    queryset: QuerySet[M],
    *,
    via: str | None = None,
    via_region: str | None = None,
    owner: str | None = None,
) -> QuerySet[M]:
    """Narrow ``queryset`` to what ``actor`` may see (see the module docstring)."""
    if (via is None) == (via_region is None):
        raise TypeError("scope() needs exactly one of via= (path to an Office) or via_region=")
    user = _active_user(actor)
    if user is None:
        return queryset.none()
    reach = jurisdiction(user)
    if reach.everything:
        return queryset.all()
    allowed: list[Q] = []
    if via is not None:
        if reach.office_id is not None:
            allowed.append(Q(**{_prefix(via, "pk"): reach.office_id}))
        if reach.offices_by_region and reach.region_code is not None:
            allowed.append(_region_q(_prefix(via, "region"), reach.region_code))
    elif via_region is not None and reach.region_code is not None:
        allowed.append(_region_q(via_region, reach.region_code))
    if owner:
        allowed.append(Q(**{owner: user.pk}))
    if not allowed:
        return queryset.none()
    return queryset.filter(reduce(operator.or_, allowed))
