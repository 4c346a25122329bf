"""Announcements: written by an office's staff, shown on the home page while current (the cached
home page goes stale at once), and told to the subscribers by message exactly once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.notifications.models import ContactPreference, Message
from layanan.servicepoints import services
from layanan.servicepoints.models import Announcement, Subscription
from layanan.servicepoints.tasks import announcement_fan_out, announcement_key, announcements_fan_out_due
from layanan.servicepoints.tests.builders import announcement
from layanan.testing.world import make_user

pytestmark = pytest.mark.django_db

HOME = "/"
NEW = reverse("servicepoints:staff_announcement_new")
FAN_OUT = "layanan.servicepoints.tasks.announcement_fan_out"


def _form(**changes: str) -> dict[str, str]:
    data = {
        "kind": "jam",
        "title": "Jam layanan berubah selama Ramadan",
        "body": "Kantor buka pukul 08.00 sampai 14.00.",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": "",
        "submit_key": str(uuid.uuid4()),
        "terbitkan": "1",
    }
    data.update(changes)
    return data


def test_staff_publish_an_announcement_and_the_cached_home_page_shows_it_at_once(cast):
    reader = Client()
    assert "Jam layanan berubah" not in reader.get(HOME).content.decode()  # stored in the page cache
    staff = Client()
    sign_in(staff, cast.rini)
    response = staff.post(NEW, _form())
    assert response.status_code == 302
    made = Announcement.objects.get()
    assert (made.office, made.created_by, made.published) == (cast.world.desa_tanjung_raja, cast.rini, True)
    assert made.ends_at is None
    assert timezone.localdate(made.starts_at) == timezone.localdate()
    assert "Jam layanan berubah selama Ramadan" in reader.get(HOME).content.decode()
    assert DBTaskResult.objects.filter(task_path=FAN_OUT).count() == 1
    assert AuditEvent.objects.filter(
        action="servicepoints.announcement_publish", object_id=str(made.pk)
    ).exists()


def test_withdrawing_takes_it_off_the_cached_home_page(cast):
    made = announcement(cast.world.disdukcapil, cast.budi, title="Perekaman KTP-el berhenti")
    reader = Client()
    assert "Perekaman KTP-el berhenti" in reader.get(HOME).content.decode()
    staff = Client()
    sign_in(staff, cast.sekar)
    edit = reverse("servicepoints:staff_announcement_edit", args=[made.pk])
    assert staff.post(edit, {"tindakan": "tarik"}).status_code == 302
    assert Announcement.objects.get(pk=made.pk).published is False
    assert "Perekaman KTP-el berhenti" not in reader.get(HOME).content.decode()
    assert reader.get(reverse("servicepoints:announcement_detail", args=[made.pk])).status_code == 404


def test_only_current_announcements_are_shown(client, cast):
    now = timezone.now()
    announcement(
        cast.world.disdukcapil,
        cast.budi,
        title="Sudah lewat",
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=1),
    )
    announcement(cast.world.disdukcapil, cast.budi, title="Belum mulai", starts_at=now + timedelta(days=2))
    announcement(cast.world.disdukcapil, cast.budi, title="Masih draf", publish=False)
    announcement(cast.world.disdukcapil, cast.budi, title="Berlaku sekarang")
    for url in (HOME, reverse("servicepoints:announcements")):
        body = client.get(url).content.decode()
        assert "Berlaku sekarang" in body
        for hidden in ("Sudah lewat", "Belum mulai", "Masih draf"):
            assert hidden not in body


def test_a_form_sent_twice_makes_one_announcement(client, cast):
    sign_in(client, cast.budi)
    data = _form()
    assert client.post(NEW, data).status_code == 302
    assert client.post(NEW, data).status_code == 302
    assert Announcement.objects.count() == 1
    assert AuditEvent.objects.filter(action="servicepoints.announcement_create").count() == 1
    assert DBTaskResult.objects.filter(task_path=FAN_OUT).count() == 1


def test_bad_input_gets_plain_messages_and_saves_nothing(client, cast):
    sign_in(client, cast.budi)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(NEW, _form(title="", starts_on=tomorrow, ends_on=timezone.localdate().isoformat()))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tulis judul pengumuman." in body
    assert "Tanggal selesai tampil tidak boleh sebelum tanggal mulai." in body
    assert not Announcement.objects.exists()


def test_only_staff_of_the_office_or_an_administrator_write_for_it(client, cast):
    for persona in (cast.siti, cast.bupati, cast.auditor):
        client.logout()
        sign_in(client, persona)
        assert client.post(NEW, _form()).status_code == 403
    assert not Announcement.objects.exists()
    made = announcement(cast.world.disdukcapil, cast.budi, publish=False)
    edit = reverse("servicepoints:staff_announcement_edit", args=[made.pk])
    for persona in (cast.andi, cast.rini, cast.siti):
        client.logout()
        sign_in(client, persona)
        assert client.post(edit, {"tindakan": "terbitkan"}).status_code == 404
    assert Announcement.objects.get(pk=made.pk).published is False
    client.logout()
    sign_in(client, cast.admin)
    response = client.post(NEW, _form(office=str(cast.world.kec_kotabumi.pk), title="Dari admin"))
    assert response.status_code == 302
    assert Announcement.objects.get(title="Dari admin").office == cast.world.kec_kotabumi


def test_staff_post_only_for_their_own_office_whatever_they_send(client, cast):
    sign_in(client, cast.rini)
    client.post(NEW, _form(office=str(cast.world.disdukcapil.pk)))
    assert Announcement.objects.get().office == cast.world.desa_tanjung_raja


# --- subscribers -----------------------------------------------------------------------------------


@pytest.fixture
def subscribers(cast):
    w = cast.world
    tanjung = make_user(phone="081299991001", full_name="Warga Tanjung Raja", home_region=w.tanjung_raja_desa)
    everywhere = make_user(phone="081299991002", full_name="Warga Kabupaten")
    both = make_user(phone="081299991003", full_name="Warga Dua Langganan")
    services.subscription_add(user=cast.siti, region=w.kotabumi)
    services.subscription_add(user=tanjung, region=w.tanjung_raja)
    services.subscription_add(user=everywhere, region=w.regency)
    services.subscription_add(user=both, region=w.regency)
    services.subscription_add(user=both, region=w.tanjung_raja)
    return {"siti": cast.siti, "tanjung": tanjung, "everywhere": everywhere, "both": both}


def _told(made: Announcement) -> list[int]:
    return sorted(
        Message.objects.filter(
            event="announcement.published", key__startswith=f"announcement:{made.pk}:"
        ).values_list("recipient_id", flat=True)
    )


def test_a_desa_announcement_reaches_its_kecamatan_and_the_regency_subscribers_once_each(cast, subscribers):
    made = announcement(cast.world.desa_tanjung_raja, cast.rini)
    assert announcement_fan_out.call(made.pk) == 3
    expected = sorted(subscribers[name].pk for name in ("tanjung", "everywhere", "both"))
    assert _told(made) == expected  # not Siti (Kotabumi); "both" once though subscribed twice
    message = Message.objects.get(key=announcement_key(made.pk, subscribers["tanjung"].pk))
    assert message.status == "queued"
    assert Announcement.objects.get(pk=made.pk).notified_at is not None


def test_the_fan_out_run_again_sends_nothing_more(cast, subscribers):
    made = announcement(cast.world.disdukcapil, cast.budi)
    announcement_fan_out.call(made.pk)
    first = set(Message.objects.values_list("pk", flat=True))
    announcement_fan_out.call(made.pk)  # a retry after a crash, or a second enqueue
    services.announcement_withdraw(announcement=made, actor=cast.budi)
    services.announcement_publish(announcement=made, actor=cast.budi)
    announcement_fan_out.call(made.pk)
    assert set(Message.objects.values_list("pk", flat=True)) == first
    assert _told(made) == sorted(s.pk for s in subscribers.values())  # an agency reaches every subscriber


def test_an_announcement_not_yet_shown_waits_and_a_withdrawn_one_is_not_told(cast, subscribers):
    later = announcement(cast.world.disdukcapil, cast.budi, starts_at=timezone.now() + timedelta(days=1))
    assert announcement_fan_out.call(later.pk) == 0
    assert DBTaskResult.objects.filter(task_path=FAN_OUT, run_after__isnull=False).exists()
    withdrawn = announcement(cast.world.disdukcapil, cast.budi, title="Ditarik")
    services.announcement_withdraw(announcement=withdrawn, actor=cast.budi)
    assert announcement_fan_out.call(withdrawn.pk) == 0
    assert not Message.objects.filter(event="announcement.published").exists()


def test_the_safety_net_enqueues_only_announcements_whose_task_was_lost(cast, subscribers):
    long_ago = timezone.now() - timedelta(hours=1)
    lost = announcement(cast.world.disdukcapil, cast.budi, starts_at=long_ago)
    Announcement.objects.filter(pk=lost.pk).update(published_at=long_ago)
    told = announcement(cast.world.disdukcapil, cast.budi, starts_at=long_ago)
    Announcement.objects.filter(pk=told.pk).update(published_at=long_ago)
    announcement_fan_out.call(told.pk)
    announcement(cast.world.disdukcapil, cast.budi, title="Baru saja")  # its own task is still waiting
    DBTaskResult.objects.all().delete()
    assert announcements_fan_out_due.call() == 1
    assert [row.args_kwargs["args"] for row in DBTaskResult.objects.filter(task_path=FAN_OUT)] == [[lost.pk]]


def test_people_who_stopped_optional_messages_are_not_sent_one(cast, subscribers):
    ContactPreference.objects.create(user=subscribers["everywhere"], optional_messages=False)
    made = announcement(cast.world.kec_tanjung_raja, cast.admin)
    announcement_fan_out.call(made.pk)
    skipped = Message.objects.get(key=announcement_key(made.pk, subscribers["everywhere"].pk))
    assert (skipped.status, skipped.error_code) == ("skipped", "opted_out")


# --- a citizen's subscriptions ---------------------------------------------------------------------

SUBSCRIPTIONS = reverse("servicepoints:subscriptions")


def test_a_citizen_subscribes_once_and_unsubscribes_with_one_button(client, cast):
    sign_in(client, cast.siti)
    assert client.post(SUBSCRIPTIONS, {"wilayah": cast.world.kotabumi.code}).status_code == 302
    assert client.post(SUBSCRIPTIONS, {"wilayah": cast.world.kotabumi.code}).status_code == 302
    subscription = Subscription.objects.get(user=cast.siti)
    assert subscription.region == cast.world.kotabumi
    body = client.get(SUBSCRIPTIONS).content.decode()
    assert "Berhenti berlangganan" in body
    response = client.post(reverse("servicepoints:unsubscribe", args=[subscription.pk]))
    assert response.status_code == 302
    assert not Subscription.objects.filter(user=cast.siti).exists()
    assert AuditEvent.objects.filter(action="servicepoints.subscription_remove").count() == 1


def test_nobody_ends_another_persons_subscription_and_staff_have_none(client, cast):
    other = make_user(phone="081299991009", full_name="Warga Lain")
    subscription, _ = services.subscription_add(user=other, region=cast.world.regency)
    sign_in(client, cast.siti)
    client.post(reverse("servicepoints:unsubscribe", args=[subscription.pk]))
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    client.logout()
    sign_in(client, cast.budi)
    assert client.post(SUBSCRIPTIONS, {"wilayah": cast.world.regency.code}).status_code == 403
    assert not Subscription.objects.filter(user=cast.budi).exists()


def test_a_region_outside_the_list_is_refused_plainly(client, cast):
    sign_in(client, cast.siti)
    response = client.post(SUBSCRIPTIONS, {"wilayah": cast.world.tanjung_raja_desa.code})
    assert response.status_code == 200
    assert "Pilih wilayah dari daftar." in response.content.decode()
    assert not Subscription.objects.exists()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
