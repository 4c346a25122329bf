"""The identity walk: no page that shows a report also shows who sent it.

Anonymous, confidential and ordinary reports are filed through the real services by citizens
with distinctive names, phones, emails and NIKs; the reports are verified, disposed, answered
and rated, which sends them notices, writes audit rows and survey invitations (one answered).
Wulan also proposes an usulan for the Musrenbang (with a photo), Bagas supports it and it is
accepted: no page may show that usulan (its title or description) beside either of them either.
Then every Django admin page (each registered ModelAdmin's list, its search by the reporter's
phone, name and the report's number, each object's change and history page) and every named
URL of the platform (tests/url_matrix.py lists them; path parameters are filled with the built
objects) is opened by every persona of staff: operator, officers, signer, leader, agency head,
auditor, the coordinating administrator. Each page's search forms are sent too, with the
reporter's phone and name. A page fails when it shows a report (its tracking number, its text,
its public id, or its audit object) and also the reporter's name, phone, email or NIK.

Every GET operation of the open API's served OpenAPI document is called too, as anonymous and as
each persona by token (with every scope it may hold) and by session, with report ids and tracking
numbers filled in, and the status lookup with the reporter's digits.
Open311 (``/open311/``: JSON and XML, outside the URL matrix) is read by a visitor and every persona,
and must name no reporter at all nor show a confidential report.
New admin models, new URLs and new API operations join the walk by themselves: the admin registry and the URL
resolver are read, not listed here. ``layanan/complaints/disclosure.py`` holds the rule.
"""

from __future__ import annotations

import io
import logging
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from layanan.accounts.models import Role, User
from layanan.accounts.testing import sign_in
from layanan.aspirations import services as aspirations
from layanan.aspirations.models import Plan, Usulan
from layanan.aspirations.tests.builders import photo_upload
from layanan.audit.services import audit_record
from layanan.complaints import services as complaints
from layanan.complaints.models import Category, Kind, Report, Status
from layanan.identity.services import citizen_identity_set
from layanan.survey.models import Invitation
from layanan.survey.services import invitation_for_report, response_submit
from layanan.testing import Cast, make_user
from layanan.testing.audio import voice_upload
from tests.url_matrix import EXCLUDED_NAMESPACES, MATRIX

pytestmark = pytest.mark.django_db

_HONEST_STEPS = ("identity",)  # URL kwargs never sent: the audited "Lihat identitas pelapor" step


@dataclass(frozen=True)
class Reporter:
    user: User
    name: str
    phone_local: str
    email: str
    nik: str

    def needles(self) -> list[str]:
        """What would give the reporter away, in the forms a page may write it."""
        digits = self.phone_local.removeprefix("0")
        return [
            self.name,
            self.name.split()[-1],
            self.phone_local,
            "62" + digits,
            self.email,
            self.nik,
        ]


@dataclass
class Walk:
    cast: Cast
    personas: dict[str, User]
    reporters: list[Reporter]
    reports: list[Report]
    invitations: list[Invitation]
    proposals: list[Usulan] = field(
        default_factory=list
    )  # usulan for the Musrenbang: never beside their proposer
    leaks: list[str] = field(default_factory=list)
    visited: int = 0

    def report_markers(self, body: str) -> list[Report]:
        found = []
        for report in self.reports:
            audit_object = re.compile(
                rf"complaints\.report(?:</td>\s*<td[^>]*>|\s*#|/){report.pk}\b", re.IGNORECASE
            )
            if (
                report.tracking_number in body
                or report.text[:40] in body
                or str(report.public_id) in body
                or audit_object.search(body)
            ):
                found.append(report)
        return found

    def proposal_markers(self, body: str) -> list[Usulan]:
        return [u for u in self.proposals if u.title in body or u.description[:40] in body]

    def check(self, persona: str, method: str, url: str, status: int, body: str) -> None:
        self.visited += 1
        shown = self.report_markers(body)
        proposed = self.proposal_markers(body)
        if not shown and not proposed:
            return
        for reporter in self.reporters:
            for needle in reporter.needles():
                if needle.casefold() in body.casefold():
                    numbers = ", ".join([*(r.tracking_number for r in shown), *(u.number for u in proposed)])
                    self.leaks.append(f"{persona} {method} {url} ({status}): shows {numbers} and {needle!r}")
                    return


def _text(response: Any) -> str:
    """The response as text: HTML, CSV or JSON as they are; an XLSX's strings unzipped."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                parts = [name for name in book.namelist() if name.endswith(".xml")]
                return " ".join(book.read(name).decode("utf-8", "replace") for name in parts)
        except zipfile.BadZipFile:
            pass
    return unescape(content.decode("utf-8", "replace"))


# --- the world -----------------------------------------------------------------------------------------


def _reporter(cast: Cast, *, name: str, phone: str, email: str, nik: str) -> Reporter:
    user = make_user(phone=phone, full_name=name, email=email, home_region=cast.world.kotabumi_pasar)
    citizen_identity_set(user=user, nik=nik, actor=user)
    audit_record(actor=user, action="accounts.register", obj=user)  # as a real sign-up leaves
    return Reporter(user=user, name=name, phone_local=phone, email=email, nik=nik)


def _file(
    cast: Cast, reporter: Reporter, text: str, *, anonymous: bool = False, confidential: bool = False
) -> Report:
    """A report through the one entry point; a named one carries a voice note (an anonymous one cannot)."""
    category, _created = Category.objects.get_or_create(
        slug="jalan-walk", defaults={"name": "Jalan rusak", "default_office": cast.world.disdukcapil}
    )
    return complaints.report_submit(
        reporter=reporter.user,
        kind=Kind.COMPLAINT,
        category=category,
        text=text,
        region=cast.world.kotabumi_pasar,
        photos=[],
        voice=None if anonymous else voice_upload(),
        submit_key=uuid.uuid4(),
        anonymous=anonymous,
        confidential=confidential,
    )


def _answered_and_rated(cast: Cast, report: Report, reporter: Reporter) -> Report:
    report = complaints.report_verify(
        report=report, actor=cast.admin, expected_version=report.version, office=cast.world.disdukcapil
    )
    report = complaints.report_start(report=report, actor=cast.budi, expected_version=report.version)
    report = complaints.report_answer(
        report=report, actor=cast.budi, expected_version=report.version, answer="Sudah ditangani petugas."
    )
    assert report.status == Status.ANSWERED
    return complaints.report_rate(report=report, actor=reporter.user, satisfied=True, comment="Terima kasih.")


@pytest.fixture
def walk(cast: Cast) -> Walk:
    wulan = _reporter(
        cast,
        name="Wulandari Kusumawardhani",
        phone="081377712345",
        email="wulan.rahasia@example.org",
        nik="1803024107900001",
    )
    bagas = _reporter(
        cast,
        name="Bagaskara Tirtayasa",
        phone="085266654321",
        email="bagas.rahasia@example.org",
        nik="1803021203850002",
    )
    anonymous = _file(cast, wulan, "Pungutan liar di loket kecamatan setiap pagi hari.", anonymous=True)
    confidential = _file(
        cast, wulan, "Oknum petugas meminta uang rokok untuk surat pindah.", confidential=True
    )
    ordinary = _file(cast, bagas, "Jalan berlubang besar di depan balai desa membahayakan.")
    anonymous = _answered_and_rated(cast, anonymous, wulan)
    ordinary = _answered_and_rated(cast, ordinary, bagas)
    confidential = complaints.report_verify(
        report=confidential,
        actor=cast.admin,
        expected_version=confidential.version,
        office=cast.world.disdukcapil,
    )
    invitations = [invitation_for_report(report_id=r.pk) for r in (anonymous, ordinary)]
    assert all(invitations), "an answered report makes its survey invitation"
    response_submit(token=invitations[0].token, scores=[4, 3, 4, 3, 4, 3, 4, 3, 4])  # type: ignore[union-attr]
    agency_head = make_user(
        phone="081200000010", full_name="Kepala Disdukcapil", role=Role.LEADER, office=cast.world.disdukcapil
    )
    # Wulan proposes an usulan for her desa with a photo; Bagas, her neighbour, supports it; it is
    # accepted (the notices go out): no page may show it beside either of them.
    proposal, _created = aspirations.usulan_submit(
        proposer=wulan.user,
        region=cast.world.kotabumi_pasar,
        topic="air",
        title="Sumur bor rahasia untuk Gang Melati",
        description="Warga Gang Melati menimba air dari sumur tetangga setiap kemarau panjang.",
        photos=[photo_upload()],
        submit_key=uuid.uuid4(),
    )
    aspirations.usulan_support(usulan=proposal, user=bagas.user)
    proposal = aspirations.usulan_accept(
        usulan=proposal, actor=cast.admin, plan=Plan.RKPDES, plan_year=aspirations.musrenbang_year() + 1
    )
    personas = {name: user for name, user in cast.all().items() if name != "siti"}
    personas["agency_head"] = agency_head
    # An administrator who may open the admin but holds no model permission of its own.
    personas["admin_without_rights"] = make_user(
        phone="081200000011", full_name="Admin Terbatas", role=Role.ADMIN, is_staff=True
    )
    return Walk(
        cast=cast,
        personas=personas,
        reporters=[wulan, bagas],
        reports=[anonymous, confidential, ordinary],
        invitations=[i for i in invitations if i is not None],
        proposals=[proposal],
    )


# --- Django's admin ------------------------------------------------------------------------------------


def _admin_urls(walk: Walk) -> Iterator[str]:
    first = walk.reporters[0]
    probes = [first.phone_local, first.name, first.email, walk.reports[0].tracking_number]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        yield changelist
        if model_admin.get_search_fields(None):  # type: ignore[arg-type]
            for probe in probes:
                yield f"{changelist}?q={probe}"
        yield f"{changelist}?_popup=1"  # the raw-id lookup window
        objects: list[Model] = list(model._default_manager.all()[:200])
        for obj in objects:
            for view in ("change", "history"):
                try:
                    yield reverse("admin:{}_{}_{}".format(*info, view), args=[obj.pk])
                except NoReverseMatch:
                    continue


def _check_logs(walk: Walk, caplog: pytest.LogCaptureFixture) -> None:
    """Log lines written during the walk are held to the same rule, one line at a time."""
    for record in caplog.records:
        line = record.getMessage() + (record.exc_text or "")
        walk.check("log", record.levelname, record.name, 0, line)


def test_no_admin_page_shows_a_report_beside_its_reporter(walk: Walk, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    for persona, user in walk.personas.items():
        client = Client()
        sign_in(client, user)
        index = client.get(reverse("admin:index"))
        if index.status_code != 200:
            continue  # refused at the door: every admin page answers the same
        for url in _admin_urls(walk):
            response = client.get(url)
            walk.check(persona, "GET", url, response.status_code, _text(response))
    _check_logs(walk, caplog)
    assert walk.visited > 100, "the walk reached the admin pages"
    assert not walk.leaks, "Admin pages that show a report and its reporter:\n" + "\n".join(walk.leaks)


# --- every staff page ----------------------------------------------------------------------------------


def _patterns(
    patterns: list[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            if inner.split(":", 1)[0] in EXCLUDED_NAMESPACES:
                continue
            yield from _patterns(entry.url_patterns, inner)
        elif entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _values(walk: Walk) -> dict[str, list[Any]]:
    """Values for path parameters, by name, from the built world."""
    reports = walk.reports
    return {
        "public_id": [r.public_id for r in reports],
        "object_type": ["complaints.report"],
        "object_id": [str(r.pk) for r in reports],
        "token": [i.token for i in walk.invitations],
        "photo_id": [photo.pk for r in reports for photo in r.photos.all()],
        "user_id": [r.user.pk for r in walk.reporters],
        "pk": [r.pk for r in reports] + [u.pk for u in walk.proposals],
        "id": [r.pk for r in reports],
    }


def _staff_urls(walk: Walk) -> Iterator[str]:
    rows = {row.name: row for row in MATRIX}
    values = _values(walk)
    for name, pattern in _patterns(get_resolver().url_patterns):
        params = sorted(pattern.pattern.regex.groupindex)
        if not params:
            yield reverse(name)
            continue
        if all(values.get(p) for p in params) and not set(params) & set(_HONEST_STEPS):
            for index in range(max(len(values[p]) for p in params)):
                kwargs = {p: values[p][index % len(values[p])] for p in params}
                if name == "audit:object_history" and index == 0:
                    account = {"object_type": "accounts.user", "object_id": str(walk.reporters[0].user.pk)}
                    yield reverse(name, kwargs=account)
                try:
                    yield reverse(name, kwargs=kwargs)
                except NoReverseMatch:
                    break
            continue
        row = rows.get(name)
        if row is not None and row.kwargs is not None:
            try:
                yield reverse(name, kwargs=row.kwargs(walk.cast))
            except NoReverseMatch:
                continue


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL | re.IGNORECASE)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
_FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.IGNORECASE)
_SEARCHING = {"q", "phone", "search", "cari", "tracking_number", "nomor", "name", "actor", "object_id"}


def _search_forms(page_url: str, body: str) -> Iterator[tuple[str, str, dict[str, str], list[str]]]:
    """(method, action, fixed fields, fields to fill) of each search form on a page.

    Every GET form, and a POST form only when it says it searches (``role="search"``, as the
    message log's does: a phone number must not go in a URL): the walk must never take a step
    (above all not the audited identity view) or change anything.
    """
    for attributes, inner in _FORM.findall(body):
        attrs = dict(_ATTR.findall(attributes))
        method = attrs.get("method", "get").lower()
        action = unescape(attrs.get("action") or page_url)
        fixed: dict[str, str] = {}
        fill: list[str] = []
        for _tag, field_attributes in _FIELD.findall(inner):
            fattrs = dict(_ATTR.findall(field_attributes))
            name = fattrs.get("name")
            if not name:
                continue
            kind = fattrs.get("type", "text").lower()
            if kind == "hidden" or kind == "submit":
                fixed[name] = unescape(fattrs.get("value", ""))
            elif kind in {"text", "search", "tel", "number", ""}:
                fill.append(name)
        if method == "post" and attrs.get("role") != "search":
            continue
        if not set(fill) & _SEARCHING:
            continue
        if "/setlang" in action or "logout" in action or "keluar" in action:
            continue
        yield method, action, fixed, fill


def test_no_staff_page_shows_a_report_beside_its_reporter(walk: Walk, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    urls = list(dict.fromkeys(_staff_urls(walk)))
    probes = [walk.reporters[0].phone_local, walk.reporters[0].name, str(walk.reporters[0].user.pk)]
    for persona, user in walk.personas.items():
        client = Client(raise_request_exception=False)
        sign_in(client, user)
        for url in urls:
            response = client.get(url)
            body = _text(response)
            walk.check(persona, "GET", url, response.status_code, body)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for method, action, fixed, fill in _search_forms(url, body):
                for probe in probes:
                    data = {**fixed, **dict.fromkeys(fill, "")}
                    for name in fill:
                        if name in _SEARCHING:
                            data[name] = probe
                    sent = client.post(action, data) if method == "post" else client.get(action, data)
                    where = f"{action} {sorted(data)}={probe}"
                    walk.check(persona, method.upper(), where, sent.status_code, _text(sent))
    _check_logs(walk, caplog)
    assert walk.visited > 500, "the walk reached the staff pages"
    assert not walk.leaks, "Staff pages that show a report and its reporter:\n" + "\n".join(walk.leaks)


def test_the_walk_sees_a_leak_when_there_is_one(walk: Walk):
    """The check itself can fail: a page naming the reporter beside the number is caught."""
    reporter, report = walk.reporters[0], walk.reports[0]
    walk.check("any", "GET", "/made-up/", 200, f"<td>{report.tracking_number}</td><td>{reporter.name}</td>")
    phone = "+62" + reporter.phone_local[1:]
    walk.check("any", "GET", "/made-up/", 200, f"complaints.report #{report.pk} by {phone}")
    proposal = walk.proposals[0]
    walk.check("any", "GET", "/made-up/", 200, f"<h1>{proposal.title}</h1><p>{reporter.name}</p>")
    assert len(walk.leaks) == 3


# --- the API -------------------------------------------------------------------------------------------


def _api_urls(walk: Walk) -> Iterator[str]:
    """Every GET operation of the served OpenAPI document, its path parameters filled from the world,
    and the queues by every bucket and office."""
    document = Client().get("/api/v1/openapi.json").json()
    refs = [str(r.public_id) for r in walk.reports] + [r.tracking_number for r in walk.reports]
    for path, operations in document["paths"].items():
        if "get" not in operations:
            continue
        if "{ref}" in path:
            yield from (path.replace("{ref}", ref) for ref in refs)
        elif "{" not in path:
            yield path
    offices = [
        walk.cast.world.disdukcapil.code,
        walk.cast.world.pupr.code,
        walk.cast.world.desa_tanjung_raja.code,
    ]
    for bucket in ("verify", "new", "in_progress", "answered", "overdue", "closed"):
        for office in ["", *offices]:
            yield f"/api/v1/staff/queues/reports?bucket={bucket}&office={office}"
    for reporter in walk.reporters:
        yield f"/api/v1/reports/public?region={reporter.user.home_region_id or ''}"


def test_no_api_answer_shows_a_report_beside_its_reporter(
    walk: Walk, caplog: pytest.LogCaptureFixture, settings: Any
):
    from layanan.api.tokens import scopes_allowed, token_create

    settings.API_RATE_PER_ADDRESS = settings.API_RATE_PER_TOKEN = 1_000_000  # the walk is not a flood
    caplog.set_level(logging.DEBUG)
    urls = list(dict.fromkeys(_api_urls(walk)))
    callers: dict[str, Client] = {"anonymous": Client(raise_request_exception=False)}
    for persona, user in walk.personas.items():
        made = token_create(user=user, actor=user, name="walk", scopes=sorted(scopes_allowed(user)))
        callers[f"{persona} (token)"] = Client(
            raise_request_exception=False, headers={"Authorization": f"Bearer {made.raw}"}
        )
        session = Client(raise_request_exception=False)
        sign_in(session, user)
        callers[f"{persona} (session)"] = session
    for persona, client in callers.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code not in (429, 500), f"{persona} GET {url}: {response.status_code}"
            walk.check(persona, "GET", url, response.status_code, _text(response))
        for reporter, report in zip(walk.reporters, walk.reports, strict=False):
            lookup = {"tracking_number": report.tracking_number, "phone_last4": reporter.phone_local[-4:]}
            sent = client.post("/api/v1/tracking", lookup, content_type="application/json")
            walk.check(persona, "POST", "/api/v1/tracking", sent.status_code, _text(sent))
    _check_logs(walk, caplog)
    assert walk.visited > 300, "the walk reached the API"
    assert not walk.leaks, "API answers that show a report and its reporter:\n" + "\n".join(walk.leaks)


# --- Open311 (its namespace is outside the URL matrix: JSON and XML, not pages) ------------------------


def _open311_urls(walk: Walk) -> Iterator[str]:
    base = "/open311/v2"
    numbers = [report.tracking_number for report in walk.reports]
    for fmt in ("json", "xml"):
        yield f"/open311/discovery.{fmt}"
        yield f"{base}/discovery.{fmt}"
        yield f"{base}/services.{fmt}"
        for category in Category.objects.all():
            yield f"{base}/services/{category.slug}.{fmt}"
        yield f"{base}/requests.{fmt}"
        yield f"{base}/requests.{fmt}?status=open,closed"
        yield f"{base}/requests.{fmt}?service_request_id={','.join(numbers)}"
        for number in numbers:
            yield f"{base}/requests/{number}.{fmt}"
            yield f"{base}/tokens/{number}.{fmt}"


def _open311_names() -> set[str]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "open311":
            return {
                pattern.name
                for pattern in entry.url_patterns
                if isinstance(pattern, URLPattern) and pattern.name
            }
    raise AssertionError("the open311 namespace is wired in layanan/urls.py")


def test_no_open311_answer_shows_a_reporter_or_a_confidential_report(
    walk: Walk, caplog: pytest.LogCaptureFixture
) -> None:
    """Open311 is the public list: a confidential report never appears, and no answer names any
    reporter at all (an anonymous one included), whoever asks and however."""
    from layanan.api.tokens import token_create

    caplog.set_level(logging.DEBUG)
    anonymous, confidential, _ordinary = walk.reports
    wulan = walk.reporters[0]
    key = token_create(user=walk.cast.admin, actor=walk.cast.admin, name="Kota", scopes=["open311"]).raw
    sent = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "jalan-walk",
            "address_string": "Depan pasar",
            "description": "Saluran air tersumbat sampah di depan pasar, air meluap ke jalan.",
            "attribute[region]": walk.cast.world.kotabumi_pasar.code,
            "email": wulan.email,
            "first_name": wulan.name.split()[0],
            "last_name": wulan.name.split()[-1],
            "phone": wulan.phone_local,
        },
    )
    assert sent.status_code == 201
    walk.check("open311", "POST", "/open311/v2/requests.json", sent.status_code, _text(sent))
    clients: dict[str, Client] = {"visitor": Client(REMOTE_ADDR="10.31.1.1")}
    for number, (persona, user) in enumerate(walk.personas.items(), start=2):
        clients[persona] = Client(REMOTE_ADDR=f"10.31.1.{number}")  # each its own rate limit
        sign_in(clients[persona], user)
    reached: set[str] = set()
    listed_anonymous = False
    for persona, client in clients.items():
        for url in _open311_urls(walk):
            response = client.get(url)
            assert response.status_code in (200, 404), (persona, url, response.status_code)
            if response.resolver_match is not None:
                reached.add(response.resolver_match.url_name or "")
            body = _text(response)
            walk.check(persona, "GET", url, response.status_code, body)
            listed_anonymous = listed_anonymous or anonymous.tracking_number in body
            assert confidential.tracking_number not in body, (persona, url)
            assert confidential.text[:40] not in body, (persona, url)
            for reporter in walk.reporters:
                for needle in reporter.needles():
                    assert needle.casefold() not in body.casefold(), (persona, url, needle)
    _check_logs(walk, caplog)
    assert listed_anonymous, "the anonymous report is on the public list, so Open311 shows it"
    assert reached == _open311_names(), "every Open311 address is read by the walk"
    assert not walk.leaks, "Open311 answers that show a report and its reporter:\n" + "\n".join(walk.leaks)
