"""`make run` shows a demo with something on every screen, made once through the real services."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from layanan.accounts.models import User
from layanan.applications.models import Application, Status
from layanan.aspirations.models import Status as UsulanStatus
from layanan.aspirations.models import Usulan
from layanan.complaints.models import Report
from layanan.complaints.models import Status as ReportStatus
from layanan.documents.models import Document
from layanan.documents.tests.render_builders import signing_ca  # noqa: F401  # a fixture
from layanan.survey.models import Response

pytestmark = pytest.mark.usefixtures("signing_ca")


@pytest.fixture
def demo(db, settings, tmp_path):
    for command in ("load_regions", "seed_catalogue", "seed_complaint_categories", "seed_letter_templates"):
        call_command(command, stdout=StringIO())
    call_command("seed_demo", "--quiet-credentials", stdout=StringIO())
    return settings.VAR_DIR


def _activity() -> str:
    out = StringIO()
    call_command("seed_demo_activity", stdout=out)
    return out.getvalue()


def test_the_demo_has_applications_in_several_states_and_a_letter_signed_by_the_head_of_the_desa(demo):
    _activity()
    siti = User.objects.get(phone="+6281100000001")
    statuses = sorted(Application.objects.filter(applicant=siti).values_list("status", flat=True))
    assert statuses == sorted([Status.DRAFT, Status.SUBMITTED, Status.REVISION, Status.COMPLETED])
    letter = Document.objects.get()
    assert letter.state == Document.State.VALID
    assert letter.signer.position == "Kepala Desa Tanjung Raja"
    assert letter.office.code == "desa-18-03-04-2009"
    assert letter.owner_id == siti.pk
    assert Response.objects.count() == 1


def test_the_demo_has_reports_new_forwarded_and_answered_and_the_new_one_is_anonymous(demo):
    _activity()
    reports = {report.status: report for report in Report.objects.all()}
    assert set(reports) == {ReportStatus.RECEIVED, ReportStatus.DISPOSED, ReportStatus.CLOSED}
    assert reports[ReportStatus.RECEIVED].anonymous
    assert reports[ReportStatus.CLOSED].satisfied is True


def test_the_demo_has_usulan_of_sitis_kelurahan_one_built_and_the_public_desa_page_shows_them(demo, client):
    _activity()
    siti = User.objects.get(phone="+6281100000001")
    assert siti.home_region is not None
    usulan = {u.status: u for u in Usulan.objects.filter(proposer=siti, region=siti.home_region)}
    assert set(usulan) == {UsulanStatus.BUILT, UsulanStatus.SUBMITTED}
    page = client.get(f"/musrenbang/desa/{siti.home_region.code}/")
    assert page.status_code == 200
    assert usulan[UsulanStatus.BUILT].title in page.content.decode()
    assert siti.full_name not in page.content.decode()


def test_it_runs_once_and_a_second_run_changes_nothing(demo):
    first = _activity()
    counts = (
        Application.objects.count(),
        Report.objects.count(),
        Document.objects.count(),
        Usulan.objects.count(),
    )
    second = _activity()
    assert "already there" in second
    assert "already there" not in first
    assert (
        Application.objects.count(),
        Report.objects.count(),
        Document.objects.count(),
        Usulan.objects.count(),
    ) == counts


def test_it_is_refused_in_production(demo, settings):
    settings.ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production"):
        _activity()
    assert Application.objects.count() == 0


def test_the_sign_ins_name_the_complaint_coordinator_and_the_signing_head_of_the_desa(demo):
    text = (demo / "demo-credentials.txt").read_text(encoding="utf-8")
    assert "admin: Ayu Administrator (Administrator; koordinator pengaduan" in text
    assert "kades: Hartono Wijaya (Pejabat penandatangan, Kantor Desa Tanjung Raja; menandatangani" in text
