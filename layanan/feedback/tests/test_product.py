"""The administrators' product page: figures by page and week, texts to tag, exports, the SKM question."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.feedback.models import PageFeedback, PlatformChange, Tag
from layanan.feedback.tests.builders import feedback, seeded_tags
from layanan.survey.models import Response
from layanan.survey.tests.builders import response

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tags(db: None) -> None:
    seeded_tags()


PRODUCT = reverse("feedback:product")
NEW_CHANGE = reverse("feedback:change_new")


def _as(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _world() -> None:
    for _ in range(3):
        feedback(page="catalogue:detail", helpful=False)
    feedback(page="catalogue:detail", helpful=True)
    feedback(page="core:home", helpful=True, days_ago=8)
    feedback(
        page="complaints:new", helpful=False, trying="Melapor jalan rusak.", problem="Peta tidak muncul."
    )


def test_an_administrator_sees_votes_by_page_and_week_and_the_pages_with_most_no(cast):
    _world()

    page = _as(cast.admin).get(PRODUCT)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1>") == 1
    unhelpful = html.split("Halaman yang paling sering dijawab Tidak", 1)[1].split("Per halaman", 1)[0]
    assert unhelpful.index("catalogue:detail") < unhelpful.index("complaints:new")
    assert "core:home" not in unhelpful  # no "Tidak" there
    assert "<td>1</td><td>3</td><td>25</td>" in html  # catalogue:detail: 1 yes, 3 no, 25% yes
    assert "Peta tidak muncul." in html
    assert "Simpan label" in html
    weeks = html.split("Jawaban per minggu", 2)[2].split("</table>", 1)[0]
    assert weeks.count('<tr><th scope="row">') == 2


def test_the_filters_narrow_the_page(cast):
    _world()

    html = _as(cast.admin).get(PRODUCT, {"laman": "core:home", "jawaban": "ya"}).content.decode()

    by_page = html.split("Jawaban per halaman", 2)[2].split("</table>", 1)[0]
    assert "core:home" in by_page
    assert "catalogue:detail" not in by_page


def test_a_wrong_date_range_is_named_in_indonesian(cast):
    html = _as(cast.admin).get(PRODUCT, {"dari": "2026-02-01", "sampai": "2026-01-01"}).content.decode()

    assert "Tanggal akhir harus sesudah tanggal awal." in html


def test_the_leader_reads_without_tagging_and_everyone_else_is_refused(cast):
    _world()

    leader = _as(cast.bupati).get(PRODUCT)

    assert leader.status_code == 200
    assert "Peta tidak muncul." in leader.content.decode()
    assert "Simpan label" not in leader.content.decode()
    assert "Catat perubahan" not in leader.content.decode()
    for persona in ("siti", "budi", "andi", "rini", "auditor", "sekar"):
        assert _as(cast.all()[persona]).get(PRODUCT).status_code == 403, persona
    assert Client().get(PRODUCT).status_code == 302


def test_an_administrator_tags_a_text_and_it_is_audited(cast):
    row = feedback(problem="Tombol kirim tidak terlihat.")
    url = reverse("feedback:tag", kwargs={"pk": row.pk})

    sent = _as(cast.admin).post(url, {"label": ["formulir", "bug"], "next": f"{PRODUCT}?teks=on"})

    assert sent.status_code == 302
    assert sent["Location"] == f"{PRODUCT}?teks=on"
    assert sorted(row.tags.values_list("slug", flat=True)) == ["bug", "formulir"]
    event = AuditEvent.objects.get(action="feedback.tag")
    assert (event.actor, event.object_id, event.details["tags"]) == (
        cast.admin,
        str(row.pk),
        ["bug", "formulir"],
    )
    _as(cast.admin).post(url, {"label": ["bahasa"]})
    assert list(row.tags.values_list("slug", flat=True)) == ["bahasa"]
    html = _as(cast.admin).get(PRODUCT, {"label": "bahasa"}).content.decode()
    assert "Tombol kirim tidak terlihat." in html


def test_the_leader_and_staff_may_not_tag(cast):
    row = feedback(problem="Huruf terlalu kecil.")
    url = reverse("feedback:tag", kwargs={"pk": row.pk})

    for user in (cast.bupati, cast.budi, cast.siti):
        assert _as(user).post(url, {"label": ["bahasa"]}).status_code == 403
    assert Client().post(url, {"label": ["bahasa"]}).status_code == 302
    assert not row.tags.exists()
    assert not AuditEvent.objects.filter(action="feedback.tag").exists()


def test_an_unknown_tag_is_refused_plainly_and_nothing_changes(cast):
    row = feedback(problem="Huruf terlalu kecil.")

    sent = _as(cast.admin).post(
        reverse("feedback:tag", kwargs={"pk": row.pk}), {"label": ["tidak-ada"]}, follow=True
    )

    assert "Label ini tidak dikenal." in sent.content.decode()
    assert not row.tags.exists()


def _change(**changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "date": timezone.localdate().isoformat(),
        "title": "Daftar syarat kini bisa dilipat",
        "description": "Banyak warga menjawab Tidak di halaman layanan: daftar syaratnya terlalu panjang.",
        "title_en": "The list of requirements now folds",
        "description_en": "Many answered No on the service pages: the list was too long.",
        "pages": "catalogue:detail",
        "tags": [Tag.objects.get(slug="navigasi").pk],
        "submit_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_an_administrator_records_a_change_once_even_when_sent_twice(cast):
    data = _change()
    admin = _as(cast.admin)

    first = admin.post(NEW_CHANGE, data)
    second = admin.post(NEW_CHANGE, data)

    assert (first.status_code, second.status_code) == (302, 302)
    change = PlatformChange.objects.get()
    assert (change.title, change.pages) == ("Daftar syarat kini bisa dilipat", "catalogue:detail")
    assert list(change.tags.values_list("slug", flat=True)) == ["navigasi"]
    assert AuditEvent.objects.filter(action="feedback.change_create", object_id=str(change.pk)).count() == 1


def test_a_change_with_an_unknown_page_or_no_title_is_refused_in_indonesian(cast):
    sent = _as(cast.admin).post(NEW_CHANGE, _change(title="", pages="catalogue:detail, /layanan/ktp/"))

    assert sent.status_code == 400
    html = sent.content.decode()
    assert "Isi judul perubahan." in html
    assert "Nama halaman ini tidak dikenal: /layanan/ktp/." in html
    assert not PlatformChange.objects.exists()


def test_only_administrators_record_changes(cast):
    for user in (cast.bupati, cast.budi, cast.rini, cast.siti, cast.auditor):
        client = _as(user)
        assert client.get(NEW_CHANGE).status_code == 403
        assert client.post(NEW_CHANGE, _change()).status_code == 403
    assert Client().post(NEW_CHANGE, _change()).status_code == 302
    assert not PlatformChange.objects.exists()


def test_the_export_gives_the_filtered_rows_as_csv_and_xlsx(cast):
    _world()
    feedback(page="core:home", helpful=None, problem='=HYPERLINK("http://contoh.invalid")')

    sent = _as(cast.admin).get(reverse("feedback:export", kwargs={"fmt": "csv"}), {"teks": "on"})

    assert sent.status_code == 200
    assert sent["Content-Type"].startswith("text/csv")
    assert sent["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(sent.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Halaman", "Membantu"]
    assert len(rows) == 3  # the header and the two rows with text
    assert any(row[3].startswith("'=HYPERLINK") for row in rows[1:])
    xlsx = _as(cast.bupati).get(reverse("feedback:export", kwargs={"fmt": "xlsx"}))
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert _as(cast.budi).get(reverse("feedback:export", kwargs={"fmt": "csv"})).status_code == 403
    assert _as(cast.admin).get(reverse("feedback:export", kwargs={"fmt": "pdf"})).status_code == 404
    assert PageFeedback.objects.count() == 7


def test_the_skm_platform_question_shows_apart_from_the_ikm(cast):
    day = timezone.localdate()
    for ease in (4, 4, 3, None):
        stored = response(office=cast.world.disdukcapil, period=day)
        Response.objects.filter(pk=stored.pk).update(platform_ease=ease)

    html = _as(cast.admin).get(PRODUCT).content.decode()

    table = html.split("Kemudahan aplikasi menurut responden SKM", 2)[2].split("</table>", 1)[0]
    assert "4. Sangat mudah</th><td>2</td><td>67</td>" in table
    assert "3. Mudah</th><td>1</td><td>33</td>" in table
    assert "Tidak dijawab</th><td>1</td>" in table
    assert "3.67" in table
    assert "tidak pernah dihitung di dalamnya" in html


def _queries(client: Client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(PRODUCT).status_code == 200
    return len(captured)


def test_the_product_page_makes_the_same_queries_however_many_texts(cast):
    admin = _as(cast.admin)
    tags = list(Tag.objects.all())
    for number in range(2):
        feedback(problem=f"Masalah {number}").tags.set(tags[:2])
    few = _queries(admin)
    for number in range(25):
        feedback(page=f"core:home{number % 3}", problem=f"Masalah lain {number}").tags.set(tags[:3])

    assert _queries(admin) == few


def test_a_change_saved_in_the_django_admin_is_audited(cast):
    admin = _as(cast.admin)
    sent = admin.post(
        reverse("admin:feedback_platformchange_add"),
        {
            "date": timezone.localdate().isoformat(),
            "title": "Huruf lebih besar",
            "title_en": "",
            "description": "Ukuran huruf dinaikkan.",
            "description_en": "",
            "pages": "",
        },
    )

    assert sent.status_code == 302
    change = PlatformChange.objects.get()
    assert AuditEvent.objects.filter(action="feedback.change_create", object_id=str(change.pk)).count() == 1
