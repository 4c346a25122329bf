"""A person sees the sessions their account is signed in with and ends one or all the others."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from layanan.accounts.models import UserSession
from layanan.accounts.sessions import device_summary, session_key_hash
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events, citizen
from layanan.testing import TEST_PASSWORD

SESSIONS = "/akun/sesi/"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)


def _device(user, *, agent: str = ANDROID_CHROME) -> Client:
    """A browser signed in as ``user``: through the sign-in page for citizens, as staff past the code."""
    client = Client(HTTP_USER_AGENT=agent)
    if user.needs_second_factor:
        sign_in(client, user)
    else:
        response = client.post("/akun/masuk/", {"identifier": user.phone, "password": TEST_PASSWORD})
        assert response.status_code == 302
    return client


def _signed_in(client: Client) -> bool:
    return client.get("/akun/").status_code == 200


def _open(user) -> list[UserSession]:
    return list(UserSession.objects.filter(user=user, ended_at__isnull=True).order_by("pk"))


def test_signing_in_records_the_session_by_a_keyed_hash_and_a_short_device_summary(cast):
    client = Client(HTTP_USER_AGENT=ANDROID_CHROME)
    response = client.post("/akun/masuk/", {"identifier": "081200000001", "password": TEST_PASSWORD})
    assert response.status_code == 302

    [record] = _open(cast.siti)
    key = client.session.session_key
    assert key is not None
    assert record.key_hash == session_key_hash(key)
    assert key not in record.key_hash
    assert record.device == "Chrome, Android"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_usersession")
        assert key not in repr(cursor.fetchall())


def test_the_page_lists_each_session_and_marks_this_device(cast):
    here = _device(cast.siti)
    _device(
        cast.siti, agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"
    )

    response = here.get(SESSIONS)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Chrome, Android" in html
    assert "Firefox, Windows" in html
    assert html.count("perangkat ini") == 1
    assert html.count("/akhiri/") == 1  # only the other device can be ended here
    assert html.count("<h1") == 1


def test_ending_another_session_signs_that_device_out_on_its_next_request(cast):
    here = _device(cast.siti)
    there = _device(cast.siti)
    [_mine, theirs] = _open(cast.siti)

    response = here.post(f"/akun/sesi/{theirs.pk}/akhiri/")

    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.end_reason == UserSession.EndReason.REVOKED
    assert not _signed_in(there)
    assert _signed_in(here)
    [event] = audit_events("accounts.session_ended")
    assert event.actor_id == cast.siti.pk
    assert there.session.session_key is None or "_auth_user_id" not in there.session


def test_an_ended_session_ends_even_when_the_cache_was_emptied(cast, settings):
    settings.SESSION_CHECK_SECONDS = 5
    here = _device(cast.siti)
    there = _device(cast.siti)
    theirs = _open(cast.siti)[1]
    here.post(f"/akun/sesi/{theirs.pk}/akhiri/")

    cache.clear()  # a restarted cache: no mark of the revocation, no recent check either

    assert not _signed_in(there)


def test_another_citizen_cannot_end_my_session(cast):
    _device(cast.siti)
    [mine] = _open(cast.siti)
    stranger = _device(citizen())

    response = stranger.post(f"/akun/sesi/{mine.pk}/akhiri/")

    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.ended_at is None
    assert audit_events("accounts.session_ended") == []


def test_ending_a_session_needs_a_sign_in_and_a_post(cast):
    _device(cast.siti)
    [mine] = _open(cast.siti)
    anonymous = Client().post(f"/akun/sesi/{mine.pk}/akhiri/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/akun/masuk/")
    assert _device(cast.siti).get(f"/akun/sesi/{mine.pk}/akhiri/").status_code == 405
    mine.refresh_from_db()
    assert mine.ended_at is None


def test_signing_out_everywhere_else_ends_every_other_session_and_is_audited(cast):
    here = _device(cast.siti)
    others = [_device(cast.siti), _device(cast.siti)]
    budi = _device(cast.budi)

    response = here.post("/akun/sesi/akhiri-lainnya/", follow=True)

    assert response.status_code == 200
    assert "Anda sudah keluar dari 2 perangkat lain." in response.content.decode()
    assert len(_open(cast.siti)) == 1
    assert _signed_in(here)
    assert not any(_signed_in(other) for other in others)
    assert _signed_in(budi)  # someone else's sessions are untouched
    [event] = audit_events("accounts.signed_out_everywhere")
    assert event.details == {"sessions_ended": 2}


def test_signing_out_closes_the_record(cast):
    here = _device(cast.siti)
    here.post("/akun/keluar/")
    assert _open(cast.siti) == []
    assert UserSession.objects.get(user=cast.siti).end_reason == UserSession.EndReason.SIGNED_OUT


def test_a_session_from_before_records_were_kept_is_adopted_not_refused(cast):
    here = _device(cast.siti)
    UserSession.objects.all().delete()
    session = here.session
    for key in ("accounts.session.record", "accounts.session.key_hash"):
        del session[key]
    session.save()
    cache.clear()

    assert _signed_in(here)
    assert len(_open(cast.siti)) == 1


def test_a_session_whose_record_is_gone_is_ended(cast):
    here = _device(cast.siti)
    UserSession.objects.all().delete()
    cache.clear()

    assert not _signed_in(here)


def test_the_session_check_adds_no_query_between_checks(cast):
    here = _device(cast.siti)
    here.get(SESSIONS)
    with CaptureQueriesContext(connection) as queries:
        response = here.get("/akun/")
    assert response.status_code == 200
    assert not [query for query in queries.captured_queries if "accounts_usersession" in query["sql"]]


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        (ANDROID_CHROME, "Chrome, Android"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1",
            "Safari, iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 10) SamsungBrowser/23.0 Chrome/115 Mobile Safari/537.36",
            "Samsung Internet, Android",
        ),
        ("curl/8.0", ""),
        ("<script>alert(1)</script>", ""),
    ],
)
def test_the_device_summary_names_only_a_browser_and_a_system(agent, summary):
    assert device_summary(agent) == summary
