"""The operator's list and steps: scoped to their region, every step audited, the wrong persona refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from layanan.aspirations.models import Plan, Status, Usulan
from layanan.aspirations.services import musrenbang_year
from layanan.aspirations.tests.builders import client_of, joko, usulan
from layanan.audit.models import AuditEvent
from layanan.testing import make_user

pytestmark = pytest.mark.django_db

LIST = reverse("aspirations:staff_list")
TELL = "layanan.aspirations.tasks.usulan_tell"


def _step(made, action):
    return reverse("aspirations:staff_step", args=[made.pk, action])


def test_the_desa_operator_lists_her_desa_only_with_support_counts(cast):
    mine = usulan(cast, title="Jalan Dusun II")
    client_of(joko(cast)).post(reverse("aspirations:support", args=[mine.pk]))
    usulan(cast, title="Balai Kotabumi Pasar", region=cast.world.kotabumi_pasar, proposer=cast.siti)
    page = client_of(cast.rini).get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jalan Dusun II" in html
    assert "Balai Kotabumi Pasar" not in html
    assert "<td>1</td>" in html
    everything = client_of(cast.admin).get(LIST).content.decode()
    assert "Jalan Dusun II" in everything
    assert "Balai Kotabumi Pasar" in everything


def test_the_list_filters_by_topic_status_and_year(cast):
    usulan(cast, title="Jalan Dusun II", topic="jalan")
    usulan(cast, title="Posyandu Dusun I", topic="kesehatan")
    page = client_of(cast.rini).get(
        LIST, {"topic": "kesehatan", "status": "diajukan", "tahun": str(musrenbang_year())}
    )
    html = page.content.decode()
    assert "Posyandu Dusun I" in html
    assert "Jalan Dusun II" not in html


def test_other_staff_and_citizens_are_refused_the_list(cast):
    for persona in (cast.siti, cast.budi, cast.andi, cast.bupati, cast.auditor, cast.sekar):
        assert client_of(persona).get(LIST).status_code == 403


def test_the_operator_marks_discussed_then_accepted_into_the_rkpdes(cast):
    made = usulan(cast)
    operator = client_of(cast.rini)
    assert operator.post(_step(made, "bahas")).status_code == 302
    assert Usulan.objects.get(pk=made.pk).status == Status.DISCUSSED
    year = musrenbang_year() + 1
    response = operator.post(_step(made, "terima"), {"plan": "rkpdes", "plan_year": year})
    assert response.status_code == 302
    fresh = Usulan.objects.get(pk=made.pk)
    assert (fresh.status, fresh.plan, fresh.plan_year) == (Status.ACCEPTED, Plan.RKPDES, year)
    actions = list(AuditEvent.objects.filter(object_id=str(made.pk)).values_list("action", flat=True))
    assert "aspirations.discuss" in actions
    assert "aspirations.accept" in actions
    assert DBTaskResult.objects.filter(task_path=TELL).count() == 1


def test_a_desa_operator_cannot_mark_rkpd_but_the_kecamatan_operator_can(cast):
    made = usulan(cast)
    response = client_of(cast.rini).post(
        _step(made, "terima"), {"plan": "rkpd", "plan_year": musrenbang_year()}
    )
    assert response.status_code == 409
    assert "RKPD diputuskan di Musrenbang kecamatan" in response.content.decode()
    assert Usulan.objects.get(pk=made.pk).status == Status.SUBMITTED
    camat = make_user(
        phone="081200000041",
        full_name="Operator Kecamatan",
        role="operator",
        office=cast.world.kec_tanjung_raja,
    )
    ok = client_of(camat).post(_step(made, "terima"), {"plan": "rkpd", "plan_year": musrenbang_year()})
    assert ok.status_code == 302
    assert Usulan.objects.get(pk=made.pk).plan == Plan.RKPD


def test_not_accepted_needs_a_reason_and_is_shown_publicly(cast):
    made = usulan(cast)
    operator = client_of(cast.rini)
    empty = operator.post(_step(made, "tolak"), {"reason": ""})
    assert empty.status_code == 400
    assert Usulan.objects.get(pk=made.pk).status == Status.SUBMITTED
    assert operator.post(_step(made, "tolak"), {"reason": "Sudah dianggarkan provinsi."}).status_code == 302
    fresh = Usulan.objects.get(pk=made.pk)
    assert (fresh.status, fresh.reason) == (Status.NOT_ACCEPTED, "Sudah dianggarkan provinsi.")
    public = client_of(None).get(reverse("aspirations:desa", args=[cast.world.tanjung_raja_desa.code]))
    assert "Sudah dianggarkan provinsi." in public.content.decode()


def test_built_follows_accepted_only(cast):
    made = usulan(cast)
    operator = client_of(cast.rini)
    today = timezone.localdate()
    too_early = operator.post(_step(made, "dibangun"), {"built_on": today.isoformat()})
    assert too_early.status_code == 409
    assert Usulan.objects.get(pk=made.pk).status == Status.SUBMITTED
    operator.post(_step(made, "terima"), {"plan": "rkpdes", "plan_year": today.year})
    future = operator.post(_step(made, "dibangun"), {"built_on": (today + timedelta(days=3)).isoformat()})
    assert future.status_code == 409
    done = operator.post(_step(made, "dibangun"), {"built_on": today.isoformat(), "note": "Dana Desa"})
    assert done.status_code == 302
    fresh = Usulan.objects.get(pk=made.pk)
    assert (fresh.status, fresh.built_on, fresh.built_note) == (Status.BUILT, today, "Dana Desa")


def test_an_operator_of_another_region_and_other_staff_get_404_and_change_nothing(cast):
    made = usulan(cast)
    other = make_user(
        phone="081200000042", full_name="Operator Kotabumi", role="operator", office=cast.world.kec_kotabumi
    )
    for persona in (other, cast.andi, cast.budi, cast.siti, cast.auditor):
        assert client_of(persona).get(reverse("aspirations:staff_detail", args=[made.pk])).status_code == 404
        response = client_of(persona).post(_step(made, "terima"), {"plan": "rkpdes", "plan_year": 2027})
        assert response.status_code == 404
    assert Usulan.objects.get(pk=made.pk).status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(action="aspirations.accept").exists()


def test_an_unknown_step_is_404(cast):
    made = usulan(cast)
    assert client_of(cast.rini).post(_step(made, "tutup")).status_code == 404
    assert Usulan.objects.get(pk=made.pk).status == Status.SUBMITTED


def test_a_kecamatan_operator_sees_every_desa_under_it_and_filters_by_desa(cast):
    from layanan.regions.models import Region

    other_desa = Region.objects.create(
        code="18.03.04.2010",
        name="Sukasari",
        level="desa",
        parent=cast.world.tanjung_raja,
        village_type="desa",
    )
    usulan(cast, title="Jalan Dusun II")
    usulan(cast, title="Embung Sukasari", region=other_desa, topic="pertanian")
    camat = make_user(
        phone="081200000043",
        full_name="Operator Kecamatan",
        role="operator",
        office=cast.world.kec_tanjung_raja,
    )
    everything = client_of(camat).get(LIST).content.decode()
    assert "Jalan Dusun II" in everything
    assert "Embung Sukasari" in everything
    one = client_of(camat).get(LIST, {"desa": other_desa.code}).content.decode()
    assert "Embung Sukasari" in one
    assert "Jalan Dusun II" not in one
    assert "Embung Sukasari" not in client_of(cast.rini).get(LIST).content.decode()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_pages_make_the_same_number_of_queries_for_more_usulan(cast):
    operator = client_of(cast.rini)
    public = client_of(None)
    desa_page = reverse("aspirations:desa", args=[cast.world.tanjung_raja_desa.code])
    usulan(cast, title="Pertama", photos=1)
    operator.get(LIST)  # warm the session and the caches
    few = (
        _queries(operator, LIST),
        _queries(public, desa_page),
        _queries(public, reverse("aspirations:index")),
    )
    for index in range(4):
        usulan(cast, title=f"Usulan {index}", photos=1, topic="sosial")
    many = (
        _queries(operator, LIST),
        _queries(public, desa_page),
        _queries(public, reverse("aspirations:index")),
    )
    assert many == few
