"""inbound_receive: categories, shared desa names, new accounts, idempotency and what the logs hold."""

from __future__ import annotations

import logging

import pytest

from layanan.audit.models import AuditEvent
from layanan.complaints.models import Category, Kind, Report, RoutingModel
from layanan.inbound import services
from layanan.inbound.models import InboundMessage, Outcome
from layanan.inbound.tests.builders import STRANGER, categories, district, kotabumi_udik, new_id, village
from layanan.notifications.models import Message

pytestmark = pytest.mark.django_db

ADUAN = "ADUAN Kotabumi Udik jalan berlubang di depan SD"


def receive(text: str, *, sender: str = STRANGER, gateway_id: str | None = None, channel: str = "sms"):
    return services.inbound_receive(
        channel=channel, gateway_id=gateway_id or new_id(), sender=sender, text=text
    )


def test_the_learned_routing_picks_the_category_of_the_suggested_office(cast):
    kotabumi_udik(cast.world)
    categories(cast.world)
    Category.objects.create(
        slug="kependudukan", name="Dokumen", default_office=cast.world.disdukcapil, order=60
    )
    RoutingModel.objects.create(
        samples=40,
        held_out=8,
        parameters={
            "version": 1,
            "alpha": 1.0,
            "classes": {
                str(cast.world.disdukcapil.pk): {"log_prior": -0.7, "tokens": {"ktp": -1.0, "jalan": -6.0}},
                str(cast.world.pupr.pk): {"log_prior": -0.7, "tokens": {"ktp": -6.0, "jalan": -1.0}},
            },
        },
    )
    receive("ADUAN Kotabumi Udik ktp saya belum jadi sudah tiga bulan")
    assert Report.objects.get().category.slug == "kependudukan"


def test_a_shared_desa_name_is_settled_by_its_kecamatan(cast):
    barat = district("18.03.06", "Abung Barat", cast.world)
    timur = district("18.03.05", "Abung Timur", cast.world)
    village("18.03.06.2010", "Sukamaju", barat)
    wanted = village("18.03.05.2010", "Sukamaju", timur)
    categories(cast.world)
    message = receive("lapor sukamaju abung timur sampah menumpuk di pasar")
    assert message.outcome == Outcome.REPORT
    assert Report.objects.get().region == wanted


def test_a_shared_desa_name_alone_files_nothing(cast):
    barat = district("18.03.06", "Abung Barat", cast.world)
    timur = district("18.03.05", "Abung Timur", cast.world)
    village("18.03.06.2010", "Sukamaju", barat)
    village("18.03.05.2010", "Sukamaju", timur)
    categories(cast.world)
    message = receive("lapor sukamaju sampah menumpuk di pasar")
    assert message.outcome == Outcome.HELP
    assert not Report.objects.exists()


def test_the_new_account_is_audited_without_the_phone(cast):
    kotabumi_udik(cast.world)
    categories(cast.world)
    receive(ADUAN)
    event = AuditEvent.objects.get(action="inbound.account_create")
    assert event.details == {"channel": "sms"}
    assert "81299998888" not in str(event.details) + event.actor_label


def test_a_repeat_of_the_same_gateway_message_does_nothing(cast):
    kotabumi_udik(cast.world)
    categories(cast.world)
    first = receive(ADUAN, gateway_id="gw-1")
    assert first is not None
    assert receive(ADUAN, gateway_id="gw-1") is None
    assert receive(ADUAN, gateway_id="gw-1", channel="whatsapp") is not None  # another channel's id space
    assert InboundMessage.objects.count() == 2


def test_the_same_id_after_the_row_is_gone_files_no_second_report(cast):
    """The report's submit key comes from the gateway id: even a lost row cannot make a duplicate."""
    kotabumi_udik(cast.world)
    categories(cast.world)
    receive(ADUAN, gateway_id="gw-9")
    InboundMessage.objects.all().delete()
    again = receive(ADUAN, gateway_id="gw-9")
    assert again.outcome == Outcome.REPORT
    assert Report.objects.count() == 1
    assert again.tracking_number == Report.objects.get().tracking_number


def test_the_reply_is_keyed_by_the_gateway_message_so_a_replay_queues_it_once(cast):
    first = receive("HALO", gateway_id="gw-reply-1")
    InboundMessage.objects.all().delete()
    second = receive("HALO", gateway_id="gw-reply-1")

    assert first is not None
    assert second is not None
    assert first.reply is not None
    assert first.reply.key == services.reply_key_for(channel="sms", gateway_id="gw-reply-1")
    assert second.reply == first.reply
    assert Message.objects.filter(event="inbound.help").count() == 1


def test_the_logs_hold_neither_the_phone_nor_the_text(cast, caplog):
    kotabumi_udik(cast.world)
    categories(cast.world)
    with caplog.at_level(logging.DEBUG):
        receive(ADUAN)
        receive("CEK A-XXXXX-XXXXX")
        receive("halo rahasia")
    logged = caplog.text
    assert "81299998888" not in logged
    assert "berlubang" not in logged
    assert "rahasia" not in logged
    assert "inbound sms message" in logged


def test_a_gateway_id_must_fit(world):
    with pytest.raises(ValueError, match="gateway_id"):
        receive("halo", gateway_id="x" * 129)
    assert not InboundMessage.objects.exists()


def test_aspirasi_is_filed_as_an_aspiration(cast):
    kotabumi_udik(cast.world)
    categories(cast.world)
    receive("ASPIRASI Kotabumi Udik mohon dibangun taman bermain anak")
    assert Report.objects.get().kind == Kind.ASPIRATION
