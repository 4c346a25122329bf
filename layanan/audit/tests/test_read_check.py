"""Who may read the audit log is handed in by accounts; without it the log refuses to guess."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured

from layanan.audit import selectors
from layanan.audit.models import AuditEvent
from layanan.audit.selectors import may_read_audit


def test_accounts_hands_in_the_permission_tables_answer(cast):
    assert may_read_audit(cast.auditor)
    assert may_read_audit(cast.admin)
    assert not may_read_audit(cast.budi)
    assert not may_read_audit(AnonymousUser())


def test_without_a_registered_check_reading_fails_loudly(cast, monkeypatch):
    monkeypatch.setattr(selectors, "_read_check", None)
    with pytest.raises(ImproperlyConfigured, match="audit read check"):
        may_read_audit(cast.auditor)


def test_an_events_role_reads_as_the_user_models_label_or_as_stored():
    assert AuditEvent(actor_role="auditor").actor_role_label == "Auditor"
    assert AuditEvent(actor_role="gone").actor_role_label == "gone"
