"""The public transparency page: the header is the reader's own, the language is the reader's, and a
new case shows once the summaries are refreshed (only the figures are cached, per language)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.testing import sign_in
from layanan.monitoring import services
from layanan.monitoring.models import ApplicationDaily
from layanan.monitoring.tests import builders as b

pytestmark = pytest.mark.django_db

URL = "/transparansi/"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.MONITORING_PUBLIC_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def roads(cast):
    now = timezone.now()
    jalan = b.service(name="Izin jalan", office=cast.world.pupr)
    b.application(of=jalan, applicant=cast.siti, office=cast.world.pupr, submitted_at=now, due_at=now)
    services.facts_reconcile()
    return jalan


def _received(html: str, name: str) -> int:
    match = re.search(rf"<th scope=\"row\">{re.escape(name)}</th><td>(\d+)</td>", html)
    assert match, name
    return int(match.group(1))


def test_a_signed_in_person_sees_their_own_header_after_an_anonymous_visit_filled_the_cache(
    client, cast, roads
):
    anonymous = client.get(URL).content.decode()
    assert "Masuk" in anonymous

    sign_in(client, cast.bupati)
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert cast.bupati.full_name in html
    assert "Keluar" in html
    assert f'href="{reverse("accounts:login")}"' not in html
    assert "private" in response["Cache-Control"]
    # And back: the next anonymous reader does not see the Bupati's header.
    client.logout()
    assert cast.bupati.full_name not in client.get(URL).content.decode()


def test_an_english_reader_gets_english_after_an_indonesian_reader_filled_the_cache(client, roads):
    indonesian = client.get(URL).content.decode()
    assert "Transparansi layanan publik" in indonesian
    assert "Diterima" in indonesian

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL).content.decode()

    assert '<html lang="en">' in english
    for text in ("Public service transparency", "By service", "By office", "Received", "Completed"):
        assert text in english, text
    for text in ("Transparansi layanan publik", "Diterima", "Per layanan", "Belum ada laporan."):
        assert text not in english, text
    # And the Indonesian page is still Indonesian.
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "Diterima" in client.get(URL).content.decode()


def test_a_new_case_changes_the_figures_once_the_summaries_are_refreshed(client, cast, roads):
    before = client.get(URL).content.decode()
    assert _received(before, "Izin jalan") == 1

    new = b.application(
        of=roads,
        applicant=cast.siti,
        office=cast.world.pupr,
        submitted_at=timezone.now(),
        due_at=timezone.now(),
    )
    ApplicationDaily.objects.all().delete()  # nothing the page reads changed yet: still the cached copy
    assert _received(client.get(URL).content.decode(), "Izin jalan") == 1

    services.item_refresh(kind="application", item_id=new.pk)  # what the signal's task does

    assert _received(client.get(URL).content.decode(), "Izin jalan") == 2


def test_the_tables_scroll_in_labelled_regions(client, roads):
    html = client.get(URL).content.decode()
    wrappers = re.findall(
        r'<div class="table-scroll" role="region" aria-labelledby="([^"]+)" aria-describedby="([^"]+)" '
        r'tabindex="0"><p class="table-scroll__hint" id="\2">',
        html,
    )
    assert [label for label, _hint in wrappers] == ["per-layanan", "per-kantor", "laporan-warga"]
    for target, hint in wrappers:
        assert f'id="{target}"' in html
        assert hint == f"{target}-hint"


def test_the_cached_figures_hold_nothing_of_the_reader(client, cast, roads):
    sign_in(client, cast.bupati)
    client.get(URL)
    cached = [cache.get(key) for key in _keys()]
    assert cached
    for text in cached:
        assert cast.bupati.full_name not in text
        assert "csrfmiddlewaretoken" not in text


def _keys() -> list[str]:
    from layanan.monitoring.services import public_figures_version, wib_day
    from layanan.monitoring.views import transparency_cache_key

    today = wib_day(timezone.now())
    return [
        key
        for language in ("id", "en")
        if cache.get(key := transparency_cache_key(today, language, public_figures_version())) is not None
    ]
