"""Tokens: shown once and stored hashed, scoped, expiring, revocable; the session still works."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from layanan.accounts.testing import sign_in
from layanan.api.models import ApiToken
from layanan.api.tests.builders import bearer, issued
from layanan.api.tokens import digest_of, token_revoke
from layanan.audit.models import AuditEvent
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def test_a_token_is_stored_as_its_hash_only_and_names_its_account(cast: Cast) -> None:
    made = issued(cast.siti, ["read"])
    row = ApiToken.objects.get(pk=made.token.pk)
    assert made.raw.startswith(f"llp_{row.prefix}_")
    assert row.digest == digest_of(made.raw)
    assert made.raw not in str(ApiToken.objects.filter(pk=row.pk).values().get())
    audit = AuditEvent.objects.get(action="api.token_create")
    assert made.raw not in str(audit.details)

    answer = Client().get(ME, headers=bearer(made.raw))
    assert answer.status_code == 200
    assert answer.json()["full_name"] == cast.siti.full_name
    assert answer.json()["scopes"] == ["read"]


@pytest.mark.parametrize("header", ["Bearer llp_nope_nope", "Bearer ", "Basic c2l0aTpwdw==", "llp_x"])
def test_a_wrong_token_is_refused_in_the_one_error_shape_not_taken_for_anonymous(
    cast: Cast, header: str
) -> None:
    answer = Client().get("/api/v1/services", headers={"Authorization": header})
    assert answer.status_code == 401
    error = answer.json()["error"]
    assert error["code"] == "token_invalid"
    assert error["message"].startswith("Token tidak dikenal")
    assert error["message_en"].startswith("The token is unknown")


def test_an_expired_or_revoked_token_is_refused(cast: Cast) -> None:
    expired = issued(cast.siti, ["read"])
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(ME, headers=bearer(expired.raw)).status_code == 401

    revoked = issued(cast.siti, ["read"])
    assert Client().get(ME, headers=bearer(revoked.raw)).status_code == 200
    token_revoke(token=revoked.token, actor=cast.siti)
    assert ApiToken.objects.get(pk=revoked.token.pk).revoked_at is not None
    assert Client().get(ME, headers=bearer(revoked.raw)).status_code == 401


def test_only_its_owner_or_an_administrator_revokes_a_token(cast: Cast) -> None:
    made = issued(cast.siti, ["read"])
    with pytest.raises(PermissionDenied):
        token_revoke(token=made.token, actor=cast.budi)
    assert ApiToken.objects.get(pk=made.token.pk).revoked_at is None
    token_revoke(token=made.token, actor=cast.admin)
    assert ApiToken.objects.get(pk=made.token.pk).revoked_at is not None


def test_a_citizen_cannot_give_their_token_a_staff_scope(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        issued(cast.siti, ["staff"])
    with pytest.raises(ValidationError):
        issued(cast.siti, ["read"], days=10_000)
    assert not ApiToken.objects.exists()
    assert issued(cast.budi, ["read", "staff"]).token.scopes == ["read", "staff"]


def test_a_token_without_the_scope_is_refused_and_says_which(cast: Cast) -> None:
    made = issued(cast.siti, ["reports"])
    answer = Client().get("/api/v1/reports", headers=bearer(made.raw))
    assert answer.status_code == 403
    assert answer.json()["error"] == {
        "code": "scope_missing",
        "message": "Token ini tidak diberi izin untuk langkah ini.",
        "message_en": "This token has not been granted this scope.",
        "required_scope": "read",
    }


def test_the_session_signs_in_a_citizen_but_staff_only_past_the_second_factor(cast: Cast) -> None:
    citizen = Client()
    sign_in(citizen, cast.siti)
    assert citizen.get(ME).json()["full_name"] == cast.siti.full_name

    staff = Client()
    staff.force_login(cast.budi)  # the password only: no second factor in this session
    answer = staff.get(ME)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"
    sign_in(staff, cast.budi)
    assert staff.get(ME).json()["role"] == "officer"


def test_a_session_post_needs_the_csrf_token_a_token_post_does_not(cast: Cast) -> None:
    strict = Client(enforce_csrf_checks=True)
    sign_in(strict, cast.siti)
    answer = strict.post("/api/v1/applications", {"service": "x"}, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["error"]["reason"] == "csrf"

    made = issued(cast.siti)
    by_token = Client(enforce_csrf_checks=True, headers=bearer(made.raw))
    answer = by_token.post("/api/v1/applications", {"service": "x"}, content_type="application/json")
    assert answer.status_code == 422  # past the CSRF check: the service is unknown
    assert answer.json()["error"]["fields"] == {"service": ["Layanan tidak ditemukan."]}
