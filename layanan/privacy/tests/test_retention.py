"""Retention: each rule removes or anonymises what is past its period, once, and the run is reported."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.urls import reverse

from layanan.accounts.models import OneTimeCode, UserSession
from layanan.accounts.testing import sign_in
from layanan.applications.models import Application, Attachment
from layanan.applications.tests import builders as application_builders
from layanan.applications.tests.builders import Clock, wib
from layanan.audit.models import AuditEvent
from layanan.complaints.models import Report, Status
from layanan.complaints.tests.citizen_builders import report
from layanan.inbound.models import InboundMessage
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.services import notify
from layanan.privacy.models import RetentionRule, RetentionRun
from layanan.privacy.retention import effective_rules
from layanan.privacy.services import retention_apply
from layanan.privacy.tasks import privacy_retention_apply

pytestmark = pytest.mark.django_db
NOW = wib(2026, 6, 1, 2)


def _old(days: int):
    return NOW - timedelta(days=days)


def _world_of_old_records(cast):
    """One record past its period and one within it, for every rule that removes something."""
    built = application_builders.dukcapil_service(cast.world)
    stale_draft = application_builders.draft(built, cast.siti)
    fresh_draft = application_builders.draft(built, cast.siti)
    Application.objects.filter(pk=stale_draft.pk).update(updated_at=_old(91))
    Application.objects.filter(pk=fresh_draft.pk).update(updated_at=_old(89))
    submitted = application_builders.submitted(built, cast.siti)
    Application.objects.filter(pk=submitted.pk).update(updated_at=_old(400))
    requirement = built.requirements.order_by("pk")[0]
    replaced = Attachment.objects.create(
        application=submitted,
        requirement=requirement,
        file=ContentFile(b"lama", name="ktp-lama.png"),
        content_type="image/png",
        size=4,
        sha256="0" * 64,
        uploaded_by=cast.siti,
        is_current=False,
    )
    Attachment.objects.filter(pk=replaced.pk).update(uploaded_at=_old(181))
    old_message = notify(to=cast.siti, event="report.closed", data={"tracking_number": "L-1"}, key="r-1")
    new_message = notify(to=cast.siti, event="report.closed", data={"tracking_number": "L-2"}, key="r-2")
    assert old_message is not None
    assert new_message is not None
    Message.objects.filter(pk=old_message.pk).update(created_at=_old(91), status=MessageStatus.DELIVERED)
    Message.objects.filter(pk=new_message.pk).update(created_at=_old(10), status=MessageStatus.DELIVERED)
    Session.objects.create(session_key="lama" * 8, session_data="x", expire_date=_old(1))
    Session.objects.create(session_key="baru" * 8, session_data="x", expire_date=NOW + timedelta(days=1))
    inbound_old = InboundMessage.objects.create(
        channel="sms",
        gateway_id="g-1",
        sender="+6281200000001",
        sender_hash="h1",
        text="CEK A-1",
        outcome="status",
    )
    InboundMessage.objects.filter(pk=inbound_old.pk).update(received_at=_old(91))
    inbound_new = InboundMessage.objects.create(
        channel="sms",
        gateway_id="g-2",
        sender="+6281200000001",
        sender_hash="h1",
        text="CEK A-2",
        outcome="status",
    )
    old_code, new_code = (
        OneTimeCode.objects.create(
            token=token,
            purpose=OneTimeCode.Purpose.SIGN_IN,
            user=cast.siti,
            destination_hash="d" * 64,
            code_hash="c" * 64,
            expires_at=expires_at,
        )
        for token, expires_at in (("lama", _old(2)), ("baru", NOW + timedelta(minutes=5)))
    )
    _ended_long_ago, ended_lately = (
        UserSession.objects.create(
            user=cast.siti,
            key_hash=key_hash,
            signed_in_at=ended_at,
            last_seen_at=ended_at,
            ended_at=ended_at,
            end_reason=UserSession.EndReason.SIGNED_OUT,
        )
        for key_hash, ended_at in (("a" * 64, _old(91)), ("b" * 64, _old(89)))
    )
    closed = report(cast)
    Report.objects.filter(pk=closed.pk).update(
        status=Status.CLOSED, closed_at=_old(731), rating_comment="Terima kasih, Bu Siti puas."
    )
    return {
        "stale_draft": stale_draft,
        "fresh_draft": fresh_draft,
        "submitted": submitted,
        "replaced": replaced,
        "old_message": old_message,
        "new_message": new_message,
        "inbound_old": inbound_old,
        "inbound_new": inbound_new,
        "closed": closed,
        "old_code": old_code,
        "new_code": new_code,
        "ended_lately": ended_lately,
    }


def test_each_rule_removes_only_what_is_past_its_period_and_the_run_is_reported(cast, monkeypatch):
    Clock(monkeypatch, NOW)
    made = _world_of_old_records(cast)

    run = retention_apply()

    assert run.counts == {
        "drafts": 1,
        "replaced_uploads": 1,
        "message_bodies": 1,
        "sessions": 1,
        "session_records": 1,
        "one_time_codes": 1,
        "inbound_payloads": 1,
        "closed_report_contacts": 1,
    }
    assert run.total == 8
    assert list(UserSession.objects.filter(ended_at__isnull=False).values_list("pk", flat=True)) == [
        made["ended_lately"].pk
    ]
    assert list(OneTimeCode.objects.values_list("pk", flat=True)) == [made["new_code"].pk]
    assert run.finished_at is not None
    assert not Application.objects.filter(pk=made["stale_draft"].pk).exists()
    assert Application.objects.filter(pk__in=[made["fresh_draft"].pk, made["submitted"].pk]).count() == 2
    assert not Attachment.objects.filter(pk=made["replaced"].pk).exists()
    old = Message.objects.get(pk=made["old_message"].pk)
    assert (old.phone, old.data, old.phone_hash, old.event) == ("", "", "", "report.closed")
    assert Message.objects.get(pk=made["new_message"].pk).phone == cast.siti.phone
    assert list(Session.objects.values_list("session_key", flat=True)) == ["baru" * 8]
    inbound = InboundMessage.objects.get(pk=made["inbound_old"].pk)
    assert (inbound.sender, inbound.text, inbound.sender_hash) == ("", "", "")
    assert InboundMessage.objects.get(pk=made["inbound_new"].pk).text == "CEK A-2"
    closed = Report.objects.get(pk=made["closed"].pk)
    assert (closed.reporter_id, closed.rating_comment) == (None, "")
    assert closed.text  # the complaint record itself is kept
    assert AuditEvent.objects.filter(action="privacy.retention.run", object_id=str(run.pk)).count() == 1


def test_a_second_run_finds_nothing_more(cast, monkeypatch):
    Clock(monkeypatch, NOW)
    _world_of_old_records(cast)
    retention_apply()

    privacy_retention_apply.call()

    assert RetentionRun.objects.count() == 2
    assert RetentionRun.objects.order_by("-pk")[0].total == 0


def test_an_administrator_lengthens_a_period_or_pauses_a_rule(cast, monkeypatch):
    Clock(monkeypatch, NOW)
    made = _world_of_old_records(cast)
    RetentionRule.objects.create(key="drafts", days=365)
    RetentionRule.objects.create(key="sessions", days=0, enabled=False)

    run = retention_apply()

    assert run.counts["drafts"] == 0
    assert "sessions" not in run.counts
    assert Application.objects.filter(pk=made["stale_draft"].pk).exists()
    assert Session.objects.count() == 2
    assert {e.key: e.days for e in effective_rules()}["drafts"] == 365


def test_the_retention_page_lists_the_runs_with_counts_per_rule(cast, client, monkeypatch):
    Clock(monkeypatch, NOW)
    _world_of_old_records(cast)
    retention_apply()
    sign_in(client, cast.auditor)

    response = client.get(reverse("privacy:retention_runs"))

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1>") == 1
    assert "Draf permohonan yang tidak pernah dikirim: 1" in body


@pytest.mark.parametrize("persona", ["siti", "budi", "rini", "bupati"])
def test_the_retention_page_is_refused_to_others(cast, client, persona):
    sign_in(client, getattr(cast, persona))

    assert client.get(reverse("privacy:retention_runs")).status_code == 403


def test_a_closed_report_s_voice_note_goes_with_its_reporter_link(cast, monkeypatch, settings):
    import uuid
    from pathlib import Path

    from layanan.complaints import services
    from layanan.complaints.models import Kind, ReportVoice
    from layanan.complaints.tests.citizen_builders import category
    from layanan.testing.audio import voice_upload

    Clock(monkeypatch, NOW)

    def spoken() -> Report:
        return services.report_submit(
            reporter=cast.siti,
            kind=Kind.COMPLAINT,
            category=category(cast),
            text="",
            region=cast.world.kotabumi_pasar,
            voice=voice_upload(),
            submit_key=uuid.uuid4(),
        )

    old, recent = spoken(), spoken()
    Report.objects.filter(pk=old.pk).update(status=Status.CLOSED, closed_at=_old(731))
    Report.objects.filter(pk=recent.pk).update(status=Status.CLOSED, closed_at=_old(700))
    stored = Path(settings.MEDIA_ROOT) / str(ReportVoice.objects.get(report=old).file.name)

    run = retention_apply()

    assert run.counts["closed_report_contacts"] == 1
    assert not ReportVoice.objects.filter(report=old).exists()
    assert not stored.exists()
    assert Report.objects.get(pk=old.pk).reporter_id is None
    assert ReportVoice.objects.filter(report=recent).exists()  # still within its period
