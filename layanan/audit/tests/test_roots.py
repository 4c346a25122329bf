"""Each day's last seal root is published, signed, outside the database; audit_verify checks it."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from layanan.audit import guard, roots
from layanan.audit.models import AuditEvent, AuditSeal
from layanan.audit.services import audit_seal_pending, audit_verify
from layanan.audit.tasks import audit_roots_publish
from layanan.audit.tests.conftest import record
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

NOW = timedelta(0)


@pytest.fixture
def three_days(cast: Cast) -> list[date]:
    """Three finished days with a seal each (two events per seal), and today's seal."""
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in (3, 2, 1)]
    for day in [*days, today]:
        record(actor=cast.siti, action="auth.login", obj=cast.siti)
        record(actor=cast.budi, action="identity.set", obj=cast.siti, details={"why": "Siti Aminah"})
        seal = audit_seal_pending(grace=NOW)
        assert seal is not None
        with guard.lifted():
            noon = timezone.make_aware(datetime.combine(day, time(12)))
            AuditSeal.objects.filter(pk=seal.pk).update(sealed_at=noon)
    return days


def published(day: date) -> Path:
    return roots.roots_dir() / f"{day.isoformat()}.json"


def test_it_publishes_one_signed_file_per_finished_day(three_days: list[date]) -> None:
    result = roots.audit_roots_publish()

    assert result.written == [published(day) for day in three_days]
    assert not published(timezone.localdate()).exists()  # today is not finished
    statement = roots.statement_read(published(three_days[1]))
    seal = AuditSeal.objects.get(number=2)
    assert (statement["seal"], statement["root"], statement["key_id"]) == (2, seal.root, seal.key_id)
    assert statement["first_event_id"] == AuditEvent.objects.get(sequence=3).pk
    report = audit_verify()
    assert report.ok, report.problems
    assert report.published == 3


def test_the_files_hold_no_personal_data(three_days: list[date], cast: Cast) -> None:
    roots.audit_roots_publish()
    text = published(three_days[0]).read_text()
    for personal in ("Siti", "Aminah", cast.siti.phone, "Budi"):
        assert personal not in text


def test_publishing_again_writes_nothing_and_never_overwrites(three_days: list[date]) -> None:
    roots.audit_roots_publish()
    before = {day: published(day).read_bytes() for day in three_days}

    assert roots.audit_roots_publish().written == []
    assert audit_roots_publish.call() == 0
    assert {day: published(day).read_bytes() for day in three_days} == before


def test_the_periodic_task_publishes(three_days: list[date]) -> None:
    assert audit_roots_publish.call() == 3


def test_deleting_the_last_day_is_found_against_the_published_root(
    three_days: list[date], capsys: Any
) -> None:
    roots.audit_roots_publish()
    last_day = AuditSeal.objects.get(number=3)
    first_gone = AuditEvent.objects.get(sequence=last_day.first_sequence)
    with guard.lifted():  # the database owner cuts off yesterday and today
        AuditEvent.objects.filter(seal__number__gte=3).delete()
        AuditSeal.objects.filter(number__gte=3).delete()

    # What is left still chains: without the published roots nothing would show.
    elsewhere = roots.roots_dir().parent / "empty"
    elsewhere.mkdir()
    assert audit_verify(roots_dir=elsewhere).ok

    report = audit_verify()
    assert report.kinds == {"published"}
    first = report.first_divergence
    assert first is not None
    assert (first.day, first.event_id, first.seal_number) == (three_days[2], first_gone.pk, 3)

    with pytest.raises(CommandError, match="NOT intact"):
        call_command("audit_verify")
    err = capsys.readouterr().err
    assert f"First divergence: {three_days[2].isoformat()}, event {first_gone.pk}, sequence 5, seal 3" in err


def test_a_rewritten_day_is_found_against_its_published_root(three_days: list[date]) -> None:
    roots.audit_roots_publish()
    with guard.lifted():
        AuditSeal.objects.filter(number=2).update(root="a" * 64)
    report = audit_verify()
    assert "published" in report.kinds
    assert {p.seal_number for p in report.problems if p.kind == "published"} == {2}


def test_a_published_file_that_was_edited_is_reported(three_days: list[date]) -> None:
    roots.audit_roots_publish()
    path = published(three_days[0])
    document = json.loads(path.read_text())
    document["statement"]["root"] = "b" * 64
    path.write_text(json.dumps(document))

    report = audit_verify()
    assert report.kinds == {"published"}
    assert "signature is not this platform's" in report.problems[0].message
    assert report.published == 2


def test_a_file_signed_by_another_key_is_refused(three_days: list[date], settings: Any) -> None:
    roots.audit_roots_publish()
    settings.AUDIT_ROOTS_SIGNING_KEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU="
    assert audit_verify().kinds == {"published"}


def test_the_command_checks_against_the_inspectorates_copy(three_days: list[date], tmp_path: Path) -> None:
    roots.audit_roots_publish()
    copy = tmp_path / "inspektorat"
    shutil.copytree(roots.roots_dir(), copy)
    shutil.rmtree(roots.roots_dir())  # whoever took the host removed the platform's own copy
    with guard.lifted():
        AuditEvent.objects.filter(seal__number__gte=3).delete()
        AuditSeal.objects.filter(number__gte=3).delete()
    call_command("audit_verify")  # the platform's own (emptied) folder sees nothing wrong
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("audit_verify", "--roots", str(copy))


def test_the_inspectorate_is_mailed_each_day_once(three_days: list[date], settings: Any) -> None:
    settings.AUDIT_ROOTS_EMAIL = ["inspektorat@lampungutarakab.go.id"]
    result = roots.audit_roots_publish()
    assert len(result.emailed) == 3
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["inspektorat@lampungutarakab.go.id"]
    assert sorted(name for name, _content, _type in message.attachments) == [
        f"{day.isoformat()}.json" for day in three_days
    ]
    assert roots.public_key_text() in message.body

    roots.audit_roots_publish()
    assert len(mail.outbox) == 1


def test_the_public_key_command_prints_the_verifying_key(capsys: Any) -> None:
    call_command("audit_publish_roots", "--public-key")
    assert capsys.readouterr().out.strip() == roots.public_key_text()


def test_each_file_is_timestamped_by_the_regencys_tsa(three_days: list[date], settings: Any) -> None:
    from layanan.documents.tests.fake_tsa import PASSWORD, USER, FakeTsa

    settings.AUDIT_ROOTS_TIMESTAMP = True
    settings.DOCUMENT_TSA_USER, settings.DOCUMENT_TSA_PASSWORD = USER, PASSWORD
    with FakeTsa() as tsa:
        settings.DOCUMENT_TSA_URL = tsa.url
        result = roots.audit_roots_publish()
        assert result.timestamped == result.written == [published(day) for day in three_days]
        assert roots.audit_roots_publish().timestamped == []
    assert all(published(day).with_suffix(".tsr").stat().st_size > 500 for day in three_days)
    assert audit_verify().ok

    other = published(three_days[0]).with_suffix(".tsr")
    other.write_bytes(published(three_days[1]).with_suffix(".tsr").read_bytes())
    report = audit_verify()
    assert report.kinds == {"published"}
    assert "timestamp token is for other content" in report.problems[0].message


def test_timestamping_without_a_tsa_is_a_configuration_error(three_days: list[date], settings: Any) -> None:
    settings.AUDIT_ROOTS_TIMESTAMP = True
    settings.DOCUMENT_TSA_URL = ""
    with pytest.raises(ImproperlyConfigured, match="DOCUMENT_TSA_URL"):
        roots.audit_roots_publish()
