"""The proposer and every supporter are told of accepted / not accepted / built, each person once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from layanan.aspirations import services
from layanan.aspirations.models import Plan
from layanan.aspirations.services import musrenbang_year
from layanan.aspirations.tasks import tell_key, usulan_tell
from layanan.aspirations.tests.builders import joko, usulan, wati
from layanan.notifications.models import Message
from layanan.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def supported(cast):
    made = usulan(cast)
    neighbours = [joko(cast)] + [
        make_user(
            phone=f"08120000006{index}",
            full_name=f"Tetangga {index}",
            home_region=cast.world.tanjung_raja_desa,
        )
        for index in range(3)
    ]
    for neighbour in neighbours:
        services.usulan_support(usulan=made, user=neighbour)
    return made, neighbours


def _told(made, event):
    return sorted(
        Message.objects.filter(event=event, key__startswith=f"aspiration:{made.pk}:").values_list(
            "recipient_id", flat=True
        )
    )


def test_accepting_tells_the_proposer_and_each_supporter_once(cast, supported):
    made, neighbours = supported
    services.usulan_accept(usulan=made, actor=cast.rini, plan=Plan.RKPDES, plan_year=musrenbang_year() + 1)
    assert usulan_tell.call(made.pk, "accept") == 5
    expected = sorted([wati(cast).pk, *(n.pk for n in neighbours)])
    assert _told(made, "aspiration.accepted") == expected
    message = Message.objects.get(key=tell_key(made.pk, "accept", joko(cast).pk))
    assert "RKPDes" in message.data
    assert f"/musrenbang/usulan/{made.pk}/" in message.data


def test_the_task_run_again_sends_nothing_more(cast, supported):
    made, _neighbours = supported
    services.usulan_reject(usulan=made, actor=cast.rini, reason="Belum menjadi prioritas tahun ini.")
    usulan_tell.call(made.pk, "reject")
    first = set(Message.objects.values_list("pk", flat=True))
    usulan_tell.call(made.pk, "reject")  # a retry after a crash, or a second enqueue
    assert set(Message.objects.values_list("pk", flat=True)) == first
    assert len(_told(made, "aspiration.not_accepted")) == 5


def test_built_is_told_too_and_a_stale_task_says_nothing(cast, supported):
    made, _neighbours = supported
    services.usulan_accept(usulan=made, actor=cast.rini, plan=Plan.RKPDES, plan_year=musrenbang_year())
    assert usulan_tell.call(made.pk, "reject") == 0  # not true of this usulan: nothing is said
    services.usulan_built(usulan=made, actor=cast.rini, built_on=timezone.localdate())
    assert usulan_tell.call(made.pk, "built") == 5
    assert len(_told(made, "aspiration.built")) == 5
    assert _told(made, "aspiration.not_accepted") == []


def test_discussing_tells_nobody(cast, supported):
    made, _neighbours = supported
    services.usulan_discuss(usulan=made, actor=cast.rini)
    assert not Message.objects.filter(key__startswith=f"aspiration:{made.pk}:").exists()
