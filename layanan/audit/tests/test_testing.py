"""The test support itself: a transactional test that writes audit events can still be flushed."""

from __future__ import annotations

import pytest

from layanan.audit import guard
from layanan.audit.models import AuditEvent
from layanan.audit.tests.conftest import record


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_may_write_audit_events():
    record()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_guard_is_back_after_the_flush_of_the_test_before():
    from django.db import connection

    assert guard.installed(connection) == guard.expected()
    assert not AuditEvent.objects.exists()
