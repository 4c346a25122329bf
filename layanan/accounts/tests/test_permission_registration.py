"""The checks that later apps register with the permission table at app-ready time."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from layanan.accounts import permissions
from layanan.accounts.permissions import (
    OBJECT_CHECKS,
    RULES,
    citizen_handling_check_register,
    object_check_register,
    registered,
)


def test_every_registered_check_a_rule_names_is_supplied_by_an_installed_app():
    names = {rule.check.__name__ for rule in RULES.values() if rule.check.__name__.startswith("registered(")}
    assert names == {"registered('report.handle')", "registered('report.read')"}
    assert {"report.handle", "report.read"} <= OBJECT_CHECKS.keys()


def test_applications_registers_its_citizen_handling_check():
    modules = {check.__module__ for check in permissions.CITIZEN_HANDLING_CHECKS}
    assert "layanan.applications.permission_checks" in modules


def test_a_rule_whose_check_was_never_registered_fails_loudly(cast, monkeypatch):
    monkeypatch.setattr(permissions, "OBJECT_CHECKS", {})
    with pytest.raises(ImproperlyConfigured, match=r"report\.read"):
        registered("report.read")(cast.budi, None)


def test_registering_a_second_check_under_one_name_is_refused(monkeypatch):
    monkeypatch.setattr(permissions, "OBJECT_CHECKS", {})
    object_check_register("thing.read", lambda actor, obj: True)
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        object_check_register("thing.read", lambda actor, obj: False)


def test_registering_the_same_check_twice_keeps_one(monkeypatch):
    monkeypatch.setattr(permissions, "CITIZEN_HANDLING_CHECKS", [])

    def check(actor: object, citizen: object) -> bool:
        return True

    citizen_handling_check_register(check)
    citizen_handling_check_register(check)
    assert [check] == permissions.CITIZEN_HANDLING_CHECKS
