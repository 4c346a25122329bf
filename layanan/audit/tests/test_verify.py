from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from layanan.audit import guard
from layanan.audit.models import AuditEvent, AuditSeal
from layanan.audit.services import audit_seal_pending, audit_verify, chain_hash
from layanan.audit.tests.conftest import old_event, record

pytestmark = pytest.mark.django_db

NOW = timedelta(0)
INTACT_SIX = "Audit log intact: 6 events in 2 seals, 1 not yet sealed, 0 published day roots"


@pytest.fixture
def sealed_log(db):
    """Six events in two seals (3 + 3) and one not yet sealed."""
    first = [record(action="auth.login", details={"n": n}) for n in range(3)]
    audit_seal_pending(grace=NOW)
    second = [record(action="identity.set", details={"n": n}) for n in range(3, 6)]
    audit_seal_pending(grace=NOW)
    record(action="auth.logout")
    return [AuditEvent.objects.get(pk=e.pk) for e in first + second]


def test_an_intact_log_verifies(sealed_log):
    report = audit_verify()
    assert report.ok, report.problems
    assert (report.events, report.seals, report.unsealed) == (6, 2, 1)
    assert (
        report.summary() == "Audit log intact: 6 events in 2 seals, 1 not yet sealed, 0 published day roots"
    )


def test_an_empty_log_verifies(db):
    assert (
        audit_verify().summary()
        == "Audit log intact: 0 events in 0 seals, 0 not yet sealed, 0 published day roots"
    )


def test_the_command_prints_the_summary_when_intact(sealed_log, capsys):
    call_command("audit_verify")
    assert (
        "Audit log intact: 6 events in 2 seals, 1 not yet sealed, 0 published day roots"
        in capsys.readouterr().out
    )


def test_the_command_fails_and_names_the_problem(sealed_log, capsys):
    with guard.lifted():
        AuditEvent.objects.filter(pk=sealed_log[1].pk).update(details={"n": 99})
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify")
    assert raised.value.returncode == 1
    assert "NOT intact" in str(raised.value)
    assert f"[altered] event {sealed_log[1].pk} " in capsys.readouterr().err


def test_it_finds_an_altered_event(sealed_log):
    victim = sealed_log[4]
    with guard.lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(action="identity.cleared")
    report = audit_verify()
    assert report.kinds == {"altered"}
    assert [p.event_id for p in report.problems] == [victim.pk]


def test_it_finds_an_altered_event_whose_hash_was_recomputed(sealed_log):
    victim, after = sealed_log[1], sealed_log[2]
    with guard.lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(details={"n": 99})
        forged = AuditEvent.objects.get(pk=victim.pk)
        AuditEvent.objects.filter(pk=victim.pk).update(hash=chain_hash(sealed_log[0].hash, forged))
    report = audit_verify()
    assert "altered" in report.kinds
    assert after.pk in {p.event_id for p in report.problems}


def test_it_finds_a_removed_event(sealed_log):
    with guard.lifted():
        AuditEvent.objects.filter(pk=sealed_log[1].pk).delete()
    report = audit_verify()
    assert "removed" in report.kinds
    assert report.events == 5


def test_it_finds_the_last_event_of_a_seal_removed(sealed_log):
    with guard.lifted():
        AuditEvent.objects.filter(pk=sealed_log[5].pk).delete()
    assert "removed" in audit_verify().kinds


def test_it_finds_reordered_events(sealed_log):
    a, b = sealed_log[3], sealed_log[4]
    with guard.lifted():
        AuditEvent.objects.filter(pk=a.pk).update(sequence=10**9)
        AuditEvent.objects.filter(pk=b.pk).update(sequence=a.sequence, hash=a.hash)
        AuditEvent.objects.filter(pk=a.pk).update(sequence=b.sequence, hash=b.hash)
    report = audit_verify()
    assert "reordered" in report.kinds
    assert b.pk not in {p.event_id for p in report.problems if p.kind == "reordered"}
    assert a.pk in {p.event_id for p in report.problems if p.kind == "reordered"}


def test_it_finds_an_event_inserted_into_a_sealed_range(db):
    first = old_event()
    old_event(id=first.pk + 10)
    audit_seal_pending(grace=NOW)
    assert audit_verify().ok

    slipped_in = old_event(id=first.pk + 5)  # inserts are allowed; the id gives it away
    report = audit_verify()
    assert report.kinds == {"inserted"}
    assert [p.event_id for p in report.problems] == [slipped_in.pk]

    # Sealing it protects it from now on but does not make it look as if it had always been there.
    audit_seal_pending(grace=NOW)
    report = audit_verify()
    assert report.kinds == {"inserted"}
    assert [p.event_id for p in report.problems] == [slipped_in.pk]


def test_it_finds_a_rewritten_seal(sealed_log):
    with guard.lifted():
        AuditSeal.objects.filter(number=2).update(root="f" * 64)
    report = audit_verify()
    assert report.kinds == {"seal"}
    assert {p.seal_number for p in report.problems} == {2}


def test_it_finds_a_rewritten_seal_count(sealed_log):
    with guard.lifted():
        AuditSeal.objects.filter(number=1).update(count=2, last_sequence=2)
    assert not audit_verify().ok


def test_it_finds_a_broken_link_between_seals(sealed_log):
    with guard.lifted():
        AuditSeal.objects.filter(number=2).update(previous_root="e" * 64)
    report = audit_verify()
    assert report.kinds == {"seal"}
    assert "does not link" in report.problems[0].message


def test_it_finds_a_removed_seal(sealed_log):
    with guard.lifted():
        AuditEvent.objects.filter(seal__number=1).delete()
        AuditSeal.objects.filter(number=1).delete()
    report = audit_verify()
    assert {"seal", "removed"} <= report.kinds


def test_it_finds_events_whose_seal_was_removed(sealed_log):
    with guard.lifted():
        # What a database owner could do with constraints off: the events stay, their seal goes.
        AuditEvent.objects.filter(seal__number=2).update(seal=None)
        AuditEvent.objects.filter(pk__in=[e.pk for e in sealed_log[3:]]).update(seal=None)
        AuditSeal.objects.filter(number=2).delete()
    report = audit_verify()
    assert report.kinds == {"seal"}
    assert {p.event_id for p in report.problems} == {e.pk for e in sealed_log[3:]}


def test_a_seal_made_while_verifying_does_not_count_against_the_log(sealed_log, monkeypatch):
    from layanan.audit import services

    start_replay = services._Replay.__init__

    def sealer_commits_meanwhile(self, *args, **kwargs):
        start_replay(self, *args, **kwargs)  # the sealed events are being read...
        assert audit_seal_pending(grace=NOW) is not None  # ...when the sealer adds seal 3

    monkeypatch.setattr(services._Replay, "__init__", sealer_commits_meanwhile)
    report = audit_verify()
    assert report.ok, report.problems
    assert (report.events, report.seals, report.unsealed) == (6, 2, 1)
    monkeypatch.undo()
    assert (
        audit_verify().summary()
        == "Audit log intact: 7 events in 3 seals, 0 not yet sealed, 0 published day roots"
    )
