"""Who reported stays hidden: anonymous from everyone, and from agencies always."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from layanan.audit.models import AuditEvent
from layanan.complaints import selectors, services
from layanan.complaints.tests.domain_builders import answered, disposed, submitted


@pytest.mark.parametrize("anonymous", [True, False])
def test_an_agency_officer_never_gets_the_reporter_through_selectors(cast, anonymous):
    report = answered(cast, anonymous=anonymous)
    for officer in (cast.budi, cast.andi):
        with pytest.raises(PermissionDenied):
            services.reporter_identity_view(report=report, actor=officer)
    seen = selectors.report_get(actor=cast.budi, public_id=report.public_id)
    assert seen.reporter_id is None
    assert seen.reporter is None
    queue = selectors.agency_queue(actor=cast.budi, bucket="answered")
    assert [r.pk for r in queue.items] == [report.pk]
    assert all(r.reporter is None for r in queue.items)
    events = selectors.report_timeline(actor=cast.budi, report=seen)
    assert all(event.actor_id != cast.siti.pk for event in events)
    assert not any("Siti" in event.message or cast.siti.phone in event.message for event in events)
    with pytest.raises(PermissionDenied):
        selectors.report_get(actor=cast.andi, public_id=report.public_id)


def test_the_admin_sees_a_named_reporter_and_each_view_is_audited(cast):
    report = submitted(cast)
    assert services.reporter_identity_view(report=report, actor=cast.admin) == cast.siti
    assert services.reporter_identity_view(report=report, actor=cast.admin) == cast.siti
    assert AuditEvent.objects.filter(action="complaints.identity_view").count() == 2
    assert selectors.report_get(actor=cast.admin, public_id=report.public_id).reporter is None


def test_an_anonymous_reporter_is_hidden_even_from_the_admin_but_follows_their_report(cast):
    report = submitted(cast, anonymous=True)
    with pytest.raises(services.ReportError, match="anonim"):
        services.reporter_identity_view(report=report, actor=cast.admin)
    assert not AuditEvent.objects.filter(action="complaints.identity_view").exists()
    assert not AuditEvent.objects.filter(action="complaints.submit", actor=cast.siti).exists()
    assert list(selectors.reports_of_reporter(actor=cast.siti)) == [report]
    assert selectors.report_get(actor=cast.siti, public_id=report.public_id).reporter == cast.siti


def test_a_confidential_report_is_never_public(cast):
    open_report = disposed(cast)
    secret = disposed(cast, confidential=True)
    listed = list(selectors.public_reports())
    assert open_report in listed
    assert secret not in listed


def test_the_audit_details_hold_neither_text_nor_identity(cast):
    report = submitted(cast)
    for event in AuditEvent.objects.filter(object_id=str(report.pk)):
        flat = str(event.details)
        assert "Jalan desa" not in flat
        assert cast.siti.phone not in flat
