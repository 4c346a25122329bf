"""One-time codes: made, sent, stored only as a hash, limited, and the flows that use them."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.utils import timezone

from layanan.accounts import otp, services
from layanan.accounts.models import OneTimeCode, User
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events, enrol
from layanan.accounts.tests.codes import CODE, CODE_URL, code_sent_to, enter_code, texts_to
from layanan.audit.models import AuditEvent
from layanan.notifications.models import Message, MessageStatus
from layanan.testing import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

REGISTER = "/akun/daftar/"
SIGN_IN = "/akun/masuk/"
SIGN_IN_CODE = "/akun/masuk/kode/"
RESET = "/akun/lupa-kata-sandi/"
PHONE = "/akun/nomor-hp/"
PROVE = "/akun/nomor-hp/buktikan/"
EMAIL = "/akun/email/"
DEWI = "+6281311112222"
SITI = "+6281200000001"


def _form(**overrides):
    data = {
        "full_name": "Dewi Anggraini",
        "phone": "0813-1111-2222",
        "email": "",
        "home_region": "18.03.04.2009",
        "nik": "",
        "password1": "kebun-kopi-lampura-7",
        "password2": "kebun-kopi-lampura-7",
        "channel": "sms",
    }
    data.update(overrides)
    return data


def _unproven(phone: str = "081311112222", **extra) -> User:
    user = make_user(phone=phone, full_name="Penyerobot Nomor", **extra)
    User.objects.filter(pk=user.pk).update(phone_verified_at=None)
    user.refresh_from_db()
    return user


# --- the code itself ----------------------------------------------------------------------------------


def test_a_code_has_six_digits_and_is_stored_only_as_a_keyed_hash(client, world, fake_gateway, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(REGISTER, _form())
    code = code_sent_to(fake_gateway, DEWI)
    assert len(code) == 6
    assert code.isdigit()
    row = OneTimeCode.objects.get()
    assert row.code_hash == otp.code_hash(token=row.token, code=code)
    assert row.expires_at - row.created_at <= timedelta(minutes=10)
    dumped = []
    with connection.cursor() as cursor:
        for table in ("accounts_onetimecode", "notifications_message", "audit_auditevent"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608  # fixed table names
            dumped.append(repr(cursor.fetchall()))
    assert code not in "".join(dumped)
    assert code not in caplog.text
    for message in Message.objects.all():
        assert message.data == "{}"
        assert code not in repr(message.history)
    assert Message.objects.get().event == "accounts.code"
    assert Message.objects.get().status == MessageStatus.SENT


def test_the_person_chooses_whatsapp_and_gets_the_code_as_a_template(client, world, fake_gateway):
    client.post(REGISTER, _form(channel="whatsapp"))
    (request,) = fake_gateway.of("whatsapp")
    assert request.body["template"]["name"] == "layanan_accounts_code"
    assert not fake_gateway.of("sms")
    assert enter_code(client, code_sent_to(fake_gateway, DEWI)).status_code == 302
    assert User.objects.get(phone=DEWI).phone_is_proven


def test_when_whatsapp_fails_the_code_goes_by_sms(client, world, fake_gateway):
    fake_gateway.program("whatsapp", "permanent")
    client.post(REGISTER, _form(channel="whatsapp"))
    assert fake_gateway.of("sms")
    assert list(Message.objects.order_by("pk").values_list("channel", "status")) == [
        ("whatsapp", MessageStatus.FAILED),
        ("sms", MessageStatus.SENT),
    ]


def test_an_expired_code_is_refused(client, world, fake_gateway):
    client.post(REGISTER, _form())
    code = code_sent_to(fake_gateway, DEWI)
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = enter_code(client, code)
    assert response.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in response.content.decode()
    assert not User.objects.filter(phone=DEWI).exists()


def test_after_five_wrong_codes_even_the_right_one_is_refused(client, world, fake_gateway):
    client.post(REGISTER, _form())
    code = code_sent_to(fake_gateway, DEWI)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert enter_code(client, wrong).status_code == 200
    response = enter_code(client, code)
    assert response.status_code == 200
    assert "tidak bisa dipakai lagi" in response.content.decode()
    assert not User.objects.filter(phone=DEWI).exists()
    assert len(audit_events("accounts.code_failed")) == 5


def test_a_code_is_used_once(world, fake_gateway):
    issued = otp.code_issue(
        purpose=otp.Purpose.SIGN_IN, destination=SITI, channel="sms", user=None, request=None
    )
    code = code_sent_to(fake_gateway, SITI)
    purposes = (otp.Purpose.SIGN_IN,)
    assert otp.code_check(token=issued.token, code=code, purposes=purposes).ok
    again = otp.code_check(token=issued.token, code=code, purposes=purposes)
    assert not again.ok
    assert again.reason == "used"


def test_a_code_is_bound_to_its_purpose(world, fake_gateway):
    issued = otp.code_issue(
        purpose=otp.Purpose.SIGN_IN, destination=SITI, channel="sms", user=None, request=None
    )
    code = code_sent_to(fake_gateway, SITI)
    assert not otp.code_check(token=issued.token, code=code, purposes=(otp.Purpose.RESET,)).ok
    assert otp.code_check(token=issued.token, code=code, purposes=(otp.Purpose.SIGN_IN,)).ok


def test_a_new_code_waits_a_minute_and_replaces_the_old_one(client, world, fake_gateway, settings):
    client.post(REGISTER, _form())
    first = code_sent_to(fake_gateway, DEWI)
    too_soon = client.post(CODE_URL, {"resend": "1"})
    assert "Kode baru belum bisa dikirim" in too_soon.content.decode()
    assert OneTimeCode.objects.count() == 1
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert client.post(CODE_URL, {"resend": "1"}).status_code == 302
    second = code_sent_to(fake_gateway, DEWI)
    assert OneTimeCode.objects.count() == 2
    if first != second:
        assert enter_code(client, first).status_code == 200
    assert enter_code(client, second).status_code == 302
    assert User.objects.get(phone=DEWI).phone_is_proven


def test_codes_to_one_number_are_limited_per_hour(client, world, fake_gateway, settings):
    settings.OTP_RESEND_SECONDS = 0
    for _ in range(5):
        assert Client().post(REGISTER, _form()).status_code == 302
    refused = Client().post(REGISTER, _form())
    assert refused.status_code == 200
    assert "Kode baru belum bisa dikirim" in refused.content.decode()
    assert len(texts_to(fake_gateway, DEWI)) == 5


def test_codes_from_one_address_are_limited(client, world, fake_gateway, settings):
    settings.OTP_PER_ADDRESS_PER_HOUR = 2
    for number in ("081311110001", "081311110002"):
        assert client.post(REGISTER, _form(phone=number)).status_code == 302
    refused = client.post(REGISTER, _form(phone="081311110003"))
    assert refused.status_code == 200
    assert "Kode baru belum bisa dikirim" in refused.content.decode()
    assert not texts_to(fake_gateway, "+6281311110003")


# --- registration with someone else's number ------------------------------------------------------


def test_registering_a_proven_number_can_never_succeed_and_reveals_nothing(client, cast, fake_gateway):
    fresh = Client().post(REGISTER, _form(phone="081399990000"))
    taken = client.post(REGISTER, _form(phone="081200000001"))
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == CODE_URL
    page = client.get(CODE_URL).content.decode()
    assert "terdaftar" not in page
    (warning,) = texts_to(fake_gateway, SITI)
    assert "mencoba mendaftar" in warning
    assert not CODE.search(warning)
    for guess in ("000000", "123456"):
        assert enter_code(client, guess).status_code == 200
    siti = User.objects.get(phone=SITI)
    assert siti.pk == cast.siti.pk
    assert siti.full_name == "Siti Aminah"
    assert "_auth_user_id" not in client.session
    assert audit_events("accounts.register_attempt_on_proven")[0].object_id == str(cast.siti.pk)


def test_the_owner_takes_back_a_number_held_by_an_unproven_account(
    client, world, fake_gateway, django_capture_on_commit_callbacks
):
    holder = _unproven(email="penyerobot@contoh.id")
    holder_client = Client()
    sign_in(holder_client, holder)
    assert holder_client.get("/akun/").status_code == 200

    client.post(REGISTER, _form())
    with django_capture_on_commit_callbacks(execute=True):
        response = enter_code(client, code_sent_to(fake_gateway, DEWI))

    assert response.status_code == 302
    owner = User.objects.get(phone=DEWI)
    assert owner.pk != holder.pk
    assert owner.phone_is_proven
    assert owner.full_name == "Dewi Anggraini"
    holder.refresh_from_db()
    assert holder.phone.startswith(services.RELEASED_PHONE_PREFIX)
    assert holder_client.get("/akun/").status_code == 302  # the holder's sessions ended
    assert [e.object_id for e in audit_events("accounts.phone_taken_back")] == [str(holder.pk)]
    assert [e.object_id for e in audit_events("accounts.phone_received_back")] == [str(owner.pk)]
    (told,) = [m for m in mail.outbox if "penyerobot@contoh.id" in m.to]
    assert "tidak lagi memakai nomor itu" in told.body


def test_a_nik_another_account_holds_is_not_attached_and_not_revealed(client, cast, fake_gateway):
    from layanan.identity.models import NikClaim
    from layanan.identity.services import citizen_identity_set

    citizen_identity_set(user=cast.siti, nik="1803024507900003", actor=cast.siti)
    asked = client.post(REGISTER, _form(nik="1803024507900003"))
    assert asked.status_code == 302
    response = enter_code(client, code_sent_to(fake_gateway, DEWI))
    assert response.status_code == 302
    dewi = User.objects.get(phone=DEWI)
    assert dewi.nik == ""
    assert dewi.nik_hash == ""
    (claim,) = NikClaim.objects.filter(user=dewi)
    assert claim.status == NikClaim.Status.DISPUTED
    assert NikClaim.objects.get(user=cast.siti).dispute == claim.dispute
    assert "1803024507900003" not in response.content.decode()


# --- signing in with a code, and the password throttle ---------------------------------------------


def test_a_citizen_signs_in_with_a_code_to_her_proven_phone(client, cast, fake_gateway):
    assert client.get(SIGN_IN).content.decode().count(SIGN_IN_CODE) == 1
    asked = client.post(SIGN_IN_CODE, {"identifier": "0812-0000-0001", "channel": "sms"})
    assert asked["Location"] == CODE_URL
    response = enter_code(client, code_sent_to(fake_gateway, SITI))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.siti.pk)


def test_an_unknown_or_unproven_number_gets_the_same_answer_and_no_code(client, world, fake_gateway):
    _unproven("081311112222")
    for number in ("081399990000", "081311112222"):
        asked = Client().post(SIGN_IN_CODE, {"identifier": number, "channel": "sms"})
        assert asked.status_code == 302
        assert asked["Location"] == CODE_URL
    assert not fake_gateway.delivered
    assert OneTimeCode.objects.filter(blocked=True).count() == 2


def test_staff_signing_in_with_a_code_still_pass_their_authenticator(client, cast, fake_gateway):
    enrol(cast.budi)
    client.post(SIGN_IN_CODE, {"identifier": "081200000002"})
    response = enter_code(client, code_sent_to(fake_gateway, "+6281200000002"))
    assert response["Location"].startswith("/akun/verifikasi/")
    assert client.session[services.SECOND_FACTOR_SESSION_KEY] is False


def test_a_code_to_the_email_of_a_proven_account_signs_in(client, cast, fake_gateway):
    User.objects.filter(pk=cast.siti.pk).update(email="siti@contoh.id")
    client.post(SIGN_IN_CODE, {"identifier": "Siti@Contoh.id"})
    response = enter_code(client, code_sent_to(None, "siti@contoh.id"))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.siti.pk)


def test_wrong_passwords_slow_the_password_but_never_lock_out_the_owner(client, cast, fake_gateway):
    attacker = Client()
    for _ in range(8):
        attacker.post(SIGN_IN, {"identifier": "081200000001", "password": "salah-sekali-123"})
    refused = Client().post(SIGN_IN, {"identifier": "081200000001", "password": TEST_PASSWORD})
    assert "Terlalu banyak percobaan" in refused.content.decode()
    assert "1 menit" in refused.content.decode()  # 5 free, then 1, 2, 4, 8… minutes
    owner = Client()
    owner.post(SIGN_IN_CODE, {"identifier": "081200000001"})
    response = enter_code(owner, code_sent_to(fake_gateway, SITI))
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(cast.siti.pk)
    # and the code reset the password counter
    assert (
        Client().post(SIGN_IN, {"identifier": "081200000001", "password": TEST_PASSWORD}).status_code == 302
    )


def test_the_phone_and_the_email_of_one_account_share_one_counter(client, cast):
    User.objects.filter(pk=cast.siti.pk).update(email="siti@contoh.id")
    for identifier in (
        "081200000001",
        "siti@contoh.id",
        "+62 812 0000 0001",
        "SITI@contoh.id",
        "6281200000001",
    ):
        Client().post(SIGN_IN, {"identifier": identifier, "password": "salah-sekali-123"})
    refused = Client().post(SIGN_IN, {"identifier": "siti@contoh.id", "password": TEST_PASSWORD})
    assert "Terlalu banyak percobaan" in refused.content.decode()
    assert User.objects.get(pk=cast.siti.pk).last_login is None


def test_the_delays_grow_and_are_capped(settings):
    from layanan.accounts.ratelimit import SIGN_IN_PER_ACCOUNT

    settings.SIGN_IN_MAX_DELAY_SECONDS = 3600
    delays = [SIGN_IN_PER_ACCOUNT.delay_after(n) for n in range(4, 13)]
    assert delays == [0, 60, 120, 240, 480, 960, 1920, 3600, 3600]


# --- resetting a forgotten password ---------------------------------------------------------------


def test_a_reset_sets_the_password_and_ends_other_sessions(client, cast, fake_gateway):
    elsewhere = Client()
    sign_in(elsewhere, cast.siti)
    assert elsewhere.get("/akun/").status_code == 200
    assert client.get(SIGN_IN).content.decode().count(RESET) == 1
    client.post(RESET, {"identifier": "081200000001"})
    code = code_sent_to(fake_gateway, SITI)
    weak = enter_code(client, code, password1="123", password2="123")
    assert weak.status_code == 200
    assert OneTimeCode.objects.get().used_at is None  # a refused form does not use up the code
    response = enter_code(client, code, password1="sawah-hijau-lampura-9", password2="sawah-hijau-lampura-9")
    assert response.status_code == 302
    siti = User.objects.get(pk=cast.siti.pk)
    assert siti.check_password("sawah-hijau-lampura-9")
    assert client.session["_auth_user_id"] == str(siti.pk)
    assert elsewhere.get("/akun/").status_code == 302
    assert Session.objects.count() == 1
    assert audit_events("accounts.password_reset")[0].actor_id == siti.pk


def test_a_reset_for_an_unknown_number_looks_the_same_and_changes_nothing(client, cast, fake_gateway):
    asked = client.post(RESET, {"identifier": "081399990000"})
    assert asked["Location"] == CODE_URL
    response = enter_code(
        client, "123456", password1="sawah-hijau-lampura-9", password2="sawah-hijau-lampura-9"
    )
    assert response.status_code == 200
    assert not fake_gateway.delivered
    assert not AuditEvent.objects.filter(action="accounts.password_reset").exists()


# --- proving, changing the phone and the email ------------------------------------------------------


def test_an_unproven_account_proves_its_own_phone(client, world, fake_gateway):
    holder = _unproven("081311112222")
    sign_in(client, holder)
    assert client.post(PROVE, {"channel": "sms"})["Location"] == CODE_URL
    assert enter_code(client, code_sent_to(fake_gateway, DEWI))["Location"] == "/akun/"
    holder.refresh_from_db()
    assert holder.phone_is_proven
    assert audit_events("accounts.phone_proven")[0].object_id == str(holder.pk)


def test_the_change_pages_need_a_sign_in(client, world):
    for url in (PROVE, PHONE, EMAIL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)


def test_a_new_phone_is_proven_by_a_code_and_the_old_one_is_told(
    client, cast, fake_gateway, django_capture_on_commit_callbacks
):
    other_device = Client()
    sign_in(other_device, cast.siti)
    sign_in(client, cast.siti)
    assert client.get(PHONE).status_code == 200
    assert client.post(PHONE, {"phone": "0813-1111-2222", "channel": "sms"})["Location"] == CODE_URL
    assert User.objects.get(pk=cast.siti.pk).phone == SITI  # nothing changes before the code
    with django_capture_on_commit_callbacks(execute=True):
        assert enter_code(client, code_sent_to(fake_gateway, DEWI)).status_code == 302
    siti = User.objects.get(pk=cast.siti.pk)
    assert siti.phone == DEWI
    assert siti.phone_is_proven
    (told,) = texts_to(fake_gateway, SITI)
    assert "diganti" in told
    (changed,) = audit_events("accounts.phone_changed")
    assert changed.actor_id == siti.pk
    assert changed.details["other_sessions_ended"] == 1
    assert client.get("/akun/").status_code == 200  # this device stays signed in
    assert other_device.get("/akun/").status_code == 302  # every other one is signed out


def test_a_new_phone_someone_has_proven_is_never_taken(client, cast, fake_gateway):
    sign_in(client, cast.siti)
    assert client.post(PHONE, {"phone": "081200000002"})["Location"] == CODE_URL
    assert not texts_to(fake_gateway, "+6281200000002")
    assert enter_code(client, "123456").status_code == 200
    assert User.objects.get(pk=cast.siti.pk).phone == SITI
    assert User.objects.get(pk=cast.budi.pk).phone == "+6281200000002"


def test_a_new_email_is_proven_by_a_code_and_the_old_one_is_told(
    client, cast, fake_gateway, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=cast.siti.pk).update(email="lama@contoh.id")
    other_device = Client()
    sign_in(other_device, cast.siti)
    sign_in(client, cast.siti)
    assert client.post(EMAIL, {"email": "Baru@Contoh.id"})["Location"] == CODE_URL
    with django_capture_on_commit_callbacks(execute=True):
        assert enter_code(client, code_sent_to(None, "baru@contoh.id")).status_code == 302
    assert User.objects.get(pk=cast.siti.pk).email == "baru@contoh.id"
    assert [m for m in mail.outbox if "lama@contoh.id" in m.to]
    assert audit_events("accounts.email_changed")[0].actor_id == cast.siti.pk
    assert client.get("/akun/").status_code == 200
    assert other_device.get("/akun/").status_code == 302


def test_proving_an_email_takes_it_from_the_account_that_only_typed_it(client, cast, fake_gateway):
    User.objects.filter(pk=cast.budi.pk).update(email="siti@contoh.id")
    sign_in(client, cast.siti)
    client.post(EMAIL, {"email": "siti@contoh.id"})
    assert enter_code(client, code_sent_to(None, "siti@contoh.id")).status_code == 302
    assert User.objects.get(pk=cast.siti.pk).email == "siti@contoh.id"
    assert User.objects.get(pk=cast.budi.pk).email is None
    assert audit_events("accounts.email_taken_back")[0].object_id == str(cast.budi.pk)


def test_a_change_code_is_refused_for_another_account(client, cast, fake_gateway):
    sign_in(client, cast.siti)
    client.post(PHONE, {"phone": "0813-1111-2222"})
    stranger = Client()
    sign_in(stranger, cast.andi)
    assert stranger.get(CODE_URL)["Location"] == SIGN_IN  # no pending step in Andi's own session
    row = OneTimeCode.objects.get()
    with pytest.raises(PermissionDenied):
        services.phone_change_complete(user=cast.andi, code=row, request=None)
    assert User.objects.get(pk=cast.andi.pk).phone == "+6281200000003"
    assert enter_code(client, code_sent_to(fake_gateway, DEWI)).status_code == 302


def test_a_reset_refuses_a_password_like_the_account_s_own_email(client, cast, fake_gateway):
    User.objects.filter(pk=cast.siti.pk).update(email="sawahhijau@contoh.id")
    client.post(RESET, {"identifier": "081200000001"})
    code = code_sent_to(fake_gateway, SITI)
    response = enter_code(client, code, password1="sawahhijau@contoh", password2="sawahhijau@contoh")
    assert response.status_code == 200
    assert 'href="#id_password1"' in response.content.decode()
    assert User.objects.get(pk=cast.siti.pk).check_password(TEST_PASSWORD)
