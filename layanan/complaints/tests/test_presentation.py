"""How reports read: the point on a map, the offices to forward to, the history in words."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from layanan.accounts.testing import sign_in
from layanan.agencies.models import Office
from layanan.complaints import presentation, services
from layanan.complaints.models import Report
from layanan.complaints.tests.domain_builders import answered, submitted
from layanan.regions.models import Region
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def _point(latitude: str, longitude: str) -> presentation.Point:
    point = presentation.point_of(Report(latitude=Decimal(latitude), longitude=Decimal(longitude)))
    assert point is not None
    return point


# --- the point -----------------------------------------------------------------------------------


def test_a_point_reads_in_degrees_minutes_and_seconds_with_the_hemisphere() -> None:
    with translation.override("id"):
        point = _point("-4.833000", "104.885000")
    assert point.text == "4°49\u203258.8\u2033 LS, 104°53\u203206\u2033 BT"


def test_a_point_in_english_names_the_hemispheres_in_english() -> None:
    with translation.override("en"):
        assert _point("-4.833000", "104.885000").text == "4°49\u203258.8\u2033 S, 104°53\u203206\u2033 E"
        assert _point("1.500000", "-0.250000").text == "1°30\u203200\u2033 N, 0°15\u203200\u2033 W"


def test_the_map_link_is_openstreetmap_s_with_plain_decimals_whatever_the_language() -> None:
    with translation.override("id"):
        point = _point("-4.833000", "104.885000")
    assert point.map_url == (
        "https://www.openstreetmap.org/?mlat=-4.83300&mlon=104.88500#map=17/-4.83300/104.88500"
    )


def test_a_report_without_a_point_has_none() -> None:
    assert presentation.point_of(Report()) is None


def test_the_staff_and_the_reporter_see_the_point_with_a_map_link_and_no_decimal_comma(cast: Cast) -> None:
    report = submitted(cast, latitude=Decimal("-4.833"), longitude=Decimal("104.885"))
    services.report_verify(report=report, actor=cast.admin, expected_version=report.version)
    for user, name in ((cast.budi, "complaints:staff_report"), (cast.siti, "complaints:detail")):
        client = Client()
        sign_in(client, user)
        response = client.get(reverse(name, args=[report.public_id]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "4°49\u203258.8\u2033 LS, 104°53\u203206\u2033 BT" in html
        assert "https://www.openstreetmap.org/?mlat=-4.83300&amp;mlon=104.88500#map=17/" in html
        assert "4,833" not in html
        assert "<iframe" not in html


def test_the_public_page_never_shows_the_point(cast: Cast) -> None:
    report = answered(cast, latitude=Decimal("-4.833"), longitude=Decimal("104.885"))
    html = Client().get(reverse("complaints:public_detail", args=[report.public_id])).content.decode()
    assert "openstreetmap" not in html
    assert "104°53" not in html


# --- the offices to forward to -------------------------------------------------------------------


def _two_sido_mulyo(cast: Cast) -> tuple[Office, Office]:
    regency = cast.world.regency
    kecamatans = [
        Region.objects.create(code=code, name=name, level=Region.Level.DISTRICT, parent=regency)
        for code, name in (("18.03.09", "Bukit Kemuning"), ("18.03.11", "Abung Tinggi"))
    ]
    offices = []
    for index, kecamatan in enumerate(kecamatans):
        desa = Region.objects.create(
            code=f"{kecamatan.code}.200{index}",
            name="Sido Mulyo",
            level=Region.Level.VILLAGE,
            parent=kecamatan,
        )
        offices.append(
            Office.objects.create(
                code=f"desa-sido-mulyo-{index}",
                name="Kantor Desa Sido Mulyo",
                kind=Office.Kind.VILLAGE,
                region=desa,
            )
        )
    return offices[0], offices[1]


def test_offices_are_grouped_agencies_first_then_by_kecamatan_and_desa_named_with_their_kecamatan(
    cast: Cast,
) -> None:
    _two_sido_mulyo(cast)
    offices = Office.objects.select_related("region__parent")
    with translation.override("id"):
        groups = presentation.office_groups(offices, selected={"kec-18-03-04"})
    labels = [group.label for group in groups]
    assert labels == [
        "Perangkat daerah",
        "Kecamatan Abung Tinggi",
        "Kecamatan Bukit Kemuning",
        "Kecamatan Kotabumi",
        "Kecamatan Tanjung Raja",
    ]
    assert [c.label for c in groups[0].choices] == [
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
    ]
    assert [c.label for c in groups[2].choices] == ["Kantor Desa Sido Mulyo (Kec. Bukit Kemuning)"]
    tanjung_raja = groups[4].choices
    assert [c.label for c in tanjung_raja] == [
        "Kantor Camat Tanjung Raja",  # the kantor kecamatan leads its group
        "Kantor Desa Tanjung Raja (Kec. Tanjung Raja)",
    ]
    assert [c.selected for c in tanjung_raja] == [True, False]
    every_label = [c.label for group in groups for c in group.choices]
    assert len(every_label) == len(set(every_label)) == Office.objects.count()


def test_the_forward_lists_on_the_staff_page_use_optgroups_and_unambiguous_names(cast: Cast) -> None:
    _two_sido_mulyo(cast)
    report = submitted(cast)
    client = Client()
    sign_in(client, cast.admin)
    response = client.get(reverse("complaints:staff_report", args=[report.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    verify = re.search(r'<select class="input" id="verify-office".*?</select>', html, re.S)
    assert verify is not None
    assert '<optgroup label="Kecamatan Bukit Kemuning">' in verify.group()
    assert "Kantor Desa Sido Mulyo (Kec. Bukit Kemuning)</option>" in verify.group()
    assert "Kantor Desa Sido Mulyo (Kec. Abung Tinggi)</option>" in verify.group()
    # The routing rule's office is chosen beforehand, as before.
    assert '<option value="disdukcapil" selected>' in verify.group()


def test_the_office_a_report_is_with_is_not_offered_again_for_redisposition(cast: Cast) -> None:
    report = answered(cast)
    services.report_reopen(report=report, actor=cast.siti, reason="Belum beres.")
    client = Client()
    sign_in(client, cast.admin)
    html = client.get(reverse("complaints:staff_report", args=[report.public_id])).content.decode()
    target = re.search(r'<select class="input" id="redispose-office".*?</select>', html, re.S)
    assert target is not None
    assert 'value="disdukcapil"' not in target.group()
    assert 'value="dinas-pupr"' in target.group()


# --- the history ---------------------------------------------------------------------------------


def test_the_history_names_steps_and_statuses_in_words_on_staff_and_citizen_pages(cast: Cast) -> None:
    report = answered(cast)
    pages = ((cast.budi, "complaints:staff_report"), (cast.siti, "complaints:detail"))
    for user, name in pages:
        client = Client()
        sign_in(client, user)
        html = client.get(reverse(name, args=[report.public_id])).content.decode()
        history = html[html.index("Riwayat") : html.index("</main>")]
        assert "Sudah dijawab" in history
        for raw in ("submit", "received", "answered", "in_progress", "&rarr; verified"):
            assert raw not in history, (user, raw)
    client = Client()
    sign_in(client, cast.budi)
    html = client.get(reverse("complaints:staff_report", args=[report.public_id])).content.decode()
    assert "Dikirim &rarr; Diterima, menunggu verifikasi" in html
    assert "Dijawab &rarr; Sudah dijawab" in html


def test_a_status_that_repeats_the_step_s_words_is_said_once(cast: Cast) -> None:
    report = answered(cast)
    events = list(report.timeline.order_by("occurred_at", "pk"))
    with translation.override("id"):
        rows = {row.event.action: row for row in presentation.history(events)}
    assert (rows["dispose"].label, rows["dispose"].status) == ("Diteruskan ke instansi", "")
    assert (rows["verify"].label, rows["verify"].status) == ("Diverifikasi", "Terverifikasi")


def test_the_history_reads_in_english_too(cast: Cast) -> None:
    report = answered(cast)
    client = Client()
    sign_in(client, cast.budi)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("complaints:staff_report", args=[report.public_id])).content.decode()
    history = html[html.index("History") :]
    assert "Sent &rarr; Received, waiting for verification" in history
    assert "Answered &rarr;" not in history  # the status's words repeat the step's: said once
    assert "Answered" in history


def test_a_desa_office_holding_the_report_is_named_with_its_kecamatan(cast: Cast) -> None:
    report = submitted(cast)
    services.report_verify(
        report=report, actor=cast.admin, expected_version=report.version, office=cast.world.desa_tanjung_raja
    )
    client = Client()
    sign_in(client, cast.admin)
    response = client.get(reverse("complaints:staff_report", args=[report.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    responsible = html[html.index("Instansi penanggung jawab") :]
    assert responsible.count("Kantor Desa Tanjung Raja (Kec. Tanjung Raja)") >= 2  # the row and the list
    assert Report.objects.get(pk=report.pk).dispositions.get().office == cast.world.desa_tanjung_raja
