"""The breach tools: scope from the audit log, end sessions, notify the people touched."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.audit.services import audit_record
from layanan.complaints.tests.citizen_builders import other_citizen, report
from layanan.notifications.models import Message
from layanan.privacy.breach import breach_scope

pytestmark = pytest.mark.django_db


def _window():
    now = timezone.now()
    return now - timedelta(hours=1), now + timedelta(hours=1)


def test_the_scope_finds_the_citizens_a_stolen_account_touched(cast):
    dewi = other_citizen()
    touched = report(cast, anonymous=True)
    report(cast, reporter=dewi)
    audit_record(actor=cast.andi, action="complaints.report.view", obj=touched)
    audit_record(actor=cast.budi, action="identity.read", obj=dewi)
    since, until = _window()

    scope = breach_scope(since=since, until=until, actor_id=cast.andi.pk)

    assert scope.citizen_ids == {cast.siti.pk}
    assert scope.by_action == {"complaints.report.view": 1}


def test_the_scope_command_writes_ids_and_no_personal_data(cast, tmp_path: Path, capsys):
    touched = report(cast)
    audit_record(actor=cast.andi, action="complaints.report.view", obj=touched)
    since, until = _window()
    ids = tmp_path / "ids.txt"

    call_command(
        "privacy_breach_scope",
        "--since",
        since.isoformat(),
        "--until",
        until.isoformat(),
        "--ids-file",
        str(ids),
    )

    out = capsys.readouterr().out
    assert "citizens affected: 1" in out
    assert "Siti" not in out
    assert cast.siti.phone not in out
    assert ids.read_text() == f"{cast.siti.pk}\n"


def test_sessions_of_one_user_are_ended_and_others_kept(cast):
    siti, budi = Client(), Client()
    sign_in(siti, cast.siti)
    sign_in(budi, cast.budi)

    call_command("privacy_sessions_revoke", "--user", str(cast.siti.pk))

    owners = {str(s.get_decoded().get("_auth_user_id")) for s in Session.objects.all()}
    assert owners == {str(cast.budi.pk)}
    assert AuditEvent.objects.filter(action="privacy.sessions.revoke").count() == 1


def test_revoking_needs_to_be_told_whose_sessions(cast):
    with pytest.raises(CommandError):
        call_command("privacy_sessions_revoke")


def test_the_breach_notice_goes_once_per_incident_to_active_citizens(cast, tmp_path: Path):
    ids = tmp_path / "ids.txt"
    ids.write_text(f"{cast.siti.pk}\n{cast.budi.pk}\n")
    arguments = (
        "--incident",
        "INS-2026-01",
        "--ids-file",
        str(ids),
        "--link",
        "https://lampura.example/insiden",
    )

    call_command("privacy_breach_notify", *arguments)
    call_command("privacy_breach_notify", *arguments)

    sent = Message.objects.filter(event="privacy.breach_notice")
    assert [m.recipient for m in sent] == [cast.siti]
    assert sent.get().tracking_number == "INS-2026-01"
    assert AuditEvent.objects.filter(action="privacy.breach.notify").count() == 2
