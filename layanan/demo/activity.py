"""A little activity for the demo, made through the same services people use.

``make run`` calls :func:`demo_activity_seed` after the personas exist, so every screen has
something to show: Siti's applications in several states (a draft, one waiting for the
office, one sent back for a revision, one signed by the head of Tanjung Raja with a letter to
download and a survey answered), and reports in several states (one new and anonymous, one
with Dinas PUPR, one answered and closed). It runs once: when Siti already has an
application it leaves everything as it is.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from layanan.accounts import totp
from layanan.accounts.models import SecondFactor, User
from layanan.accounts.phone import normalize_phone
from layanan.agencies.models import Office
from layanan.applications import services as applications
from layanan.applications.models import Application
from layanan.aspirations import services as aspirations
from layanan.aspirations.models import Plan, Topic
from layanan.catalogue.models import Service
from layanan.complaints import services as complaints
from layanan.complaints.models import Category, Kind, Report
from layanan.regions.models import Region
from layanan.servicepoints import services as servicepoints
from layanan.servicepoints.models import ServicePoint
from layanan.survey import services as survey
from layanan.survey.unsur import COUNT

VILLAGE = "18.03.04.2009"  # Desa Tanjung Raja, where Rini works and the demo head of the desa signs
LETTER_SERVICE = "surat-keterangan-domisili"


@dataclass
class ActivityReport:
    created: bool
    lines: list[str] = field(default_factory=list)


def _user(phone: str) -> User:
    return User.objects.get(phone=normalize_phone(phone))


def _photo(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _fresh_code(user: User) -> str:
    """The signer's authenticator code now, as their phone would show it."""
    factor = SecondFactor.objects.get(user=user)
    step = totp.current_step()
    if factor.last_used_step >= step:  # a code of this half-minute was spent already
        SecondFactor.objects.filter(pk=factor.pk).update(last_used_step=step - 1)
    return totp.code_at(factor.secret, step)


def _letter_answers(applicant: User, purpose: str) -> dict[int, dict[str, Any]]:
    return {
        1: {
            "nik": "1803024507900003",
            "nama": applicant.full_name,
            "tempat_lahir": "Kotabumi",
            "tanggal_lahir": "1990-07-05",
            "pekerjaan": "Pedagang",
        },
        2: {
            "desa": VILLAGE,
            "alamat": "Jalan Raya Tanjung Raja No. 12, Dusun Sukamaju",
            "rt": "002",
            "rw": "005",
            "tinggal_sejak": "2015-03-01",
        },
        3: {"keperluan": purpose},
    }


def _filled(service: Service, applicant: User, purpose: str) -> Application:
    application = applications.application_start(service=service, applicant=applicant, actor=applicant)
    for step, answers in _letter_answers(applicant, purpose).items():
        application = applications.application_save_step(
            application=application, actor=applicant, step=step, answers=answers
        )
    for requirement in service.requirements.all():
        applications.requirement_provide(
            application=application, actor=applicant, requirement=requirement, provision="paper"
        )
    return Application.objects.get(pk=application.pk)


def _submitted(service: Service, applicant: User, purpose: str) -> Application:
    return applications.application_submit(
        application=_filled(service, applicant, purpose), actor=applicant, submit_key=uuid.uuid4()
    )


def _applications(lines: list[str]) -> None:
    siti = _user("0811-0000-0001")
    rini = _user("0811-0000-0004")
    head = _user("0811-0000-0010")
    service = Service.objects.get(slug=LETTER_SERVICE)

    draft = applications.application_start(service=service, applicant=siti, actor=siti)
    applications.application_save_step(
        application=draft, actor=siti, step=1, answers=_letter_answers(siti, "")[1]
    )
    lines.append("draf (langkah 1 terisi)")

    waiting = _submitted(service, siti, "Mendaftar sekolah anak di SMP Negeri 1 Abung Selatan.")
    lines.append(f"menunggu kantor desa {waiting.tracking_number}")

    revision = _submitted(service, siti, "Melamar pekerjaan.")
    revision = applications.application_claim(
        application=revision, actor=rini, expected_version=revision.version
    )
    revision = applications.application_request_revision(
        application=revision,
        actor=rini,
        expected_version=revision.version,
        message="Sebutkan nama perusahaan tempat Anda melamar pekerjaan.",
    )
    lines.append(f"perlu diperbaiki {revision.tracking_number}")

    signed = _submitted(service, siti, "Membuka rekening tabungan di Bank Lampung cabang Kotabumi.")
    signed = applications.application_claim(application=signed, actor=rini, expected_version=signed.version)
    for check in signed.checks.all():
        applications.requirement_review(check=check, actor=rini, accepted=True)
    signed = Application.objects.get(pk=signed.pk)
    signed = applications.application_approve(application=signed, actor=rini, expected_version=signed.version)
    signed = applications.application_sign(
        application=signed, actor=head, expected_version=signed.version, second_factor_code=_fresh_code(head)
    )
    lines.append(f"selesai, surat bertanda tangan {signed.tracking_number}")

    invitation = survey.invitation_for_application(application_id=signed.pk)
    if invitation is not None:
        survey.response_submit(
            token=invitation.token,
            scores=[4, 3, 4, 4, 3, 4, 4, 3, 4][:COUNT] + [4] * max(0, COUNT - 9),
            suggestion="Pelayanannya cepat, terima kasih.",
        )
        lines.append("survei kepuasan terisi")


def _reports(lines: list[str]) -> None:
    siti = _user("0811-0000-0001")
    coordinator = _user("0811-0000-0007")
    andi = _user("0811-0000-0003")
    region = Region.objects.get(code=VILLAGE)
    lights = Category.objects.get(slug="penerangan-jalan")
    roads = Category.objects.get(slug="jalan-jembatan")
    pupr = Office.objects.get(code="dinas-pupr")

    new = complaints.report_submit(
        reporter=siti,
        kind=Kind.COMPLAINT,
        category=lights,
        text="Lampu penerangan jalan di depan balai desa mati sejak dua minggu, jalan gelap pada malam hari.",
        region=region,
        anonymous=True,
        submit_key=uuid.uuid4(),
    )
    lines.append(f"laporan baru (anonim) {new.tracking_number}")

    forwarded = complaints.report_submit(
        reporter=siti,
        kind=Kind.COMPLAINT,
        category=roads,
        text="Jembatan kayu di Dusun Sukamaju rusak, papan lantainya patah dan berbahaya untuk motor.",
        region=region,
        latitude=Decimal("-4.833000"),
        longitude=Decimal("104.885000"),
        address_text="Dusun Sukamaju, dekat masjid",
        occurred_on=date.today(),
        photos=[_photo((120, 90, 60), "jembatan.jpg")],
        submit_key=uuid.uuid4(),
    )
    forwarded = complaints.report_verify(
        report=forwarded,
        actor=coordinator,
        expected_version=forwarded.version,
        office=pupr,
        instruction="Mohon dicek dan diperbaiki.",
    )
    lines.append(f"laporan di Dinas PUPR {forwarded.tracking_number}")

    answered = complaints.report_submit(
        reporter=siti,
        kind=Kind.COMPLAINT,
        category=roads,
        text="Jalan desa di RT 002 berlubang besar setelah hujan, air menggenang dan motor sering jatuh.",
        region=region,
        photos=[_photo((90, 90, 90), "jalan.jpg")],
        submit_key=uuid.uuid4(),
    )
    answered = complaints.report_verify(
        report=answered,
        actor=coordinator,
        expected_version=answered.version,
        office=pupr,
        instruction="Mohon ditambal.",
    )
    answered = complaints.report_start(report=answered, actor=andi, expected_version=answered.version)
    answered = complaints.report_answer(
        report=answered,
        actor=andi,
        expected_version=answered.version,
        answer="Lubang sudah ditambal dengan aspal dingin pada hari ini. Terima kasih atas laporannya.",
        evidence=[_photo((40, 40, 40), "tambalan.jpg")],
    )
    complaints.report_rate(report=answered, actor=siti, satisfied=True, comment="Cepat sekali, terima kasih.")
    answered = complaints.report_confirm(report=Report.objects.get(pk=answered.pk), actor=siti)
    lines.append(f"laporan dijawab dan selesai {answered.tracking_number}")


def _places(lines: list[str]) -> None:
    """Service points for every office, hours at Rini's desa office, and one announcement of Disdukcapil."""
    rini = _user("0811-0000-0004")
    budi = _user("0811-0000-0002")
    servicepoints.service_points_seed()
    if rini.office is not None:
        desa = ServicePoint.objects.filter(office=rini.office).first()
        if desa is not None:
            servicepoints.service_point_update(
                point=desa,
                actor=rini,
                changes={"hours": "Senin-Kamis 08.00-15.30 WIB\nJumat 08.00-11.00 WIB\nSabtu, Minggu: tutup"},
            )
    if budi.office is not None:
        servicepoints.announcement_create(
            office=budi.office,
            actor=budi,
            submit_key=uuid.uuid5(uuid.NAMESPACE_URL, "demo:announcement:disdukcapil"),
            fields={
                "kind": "baru",
                "title": "Perekaman KTP-el keliling di kantor kecamatan",
                "body": "Petugas Disdukcapil merekam KTP-el di kantor kecamatan setiap Selasa. "
                "Bawa Kartu Keluarga (KK).",
            },
            publish=True,
        )
    lines.append("tempat layanan dan satu pengumuman Disdukcapil")


def _musrenbang(lines: list[str]) -> None:
    """Two usulan of Siti's kelurahan (Kotabumi Pasar): one built after the Musrenbang, one waiting."""
    siti = _user("0811-0000-0001")
    admin = _user("0811-0000-0007")
    if siti.home_region is None:
        return
    built, _created = aspirations.usulan_submit(
        proposer=siti,
        region=siti.home_region,
        topic=Topic.ROADS,
        title="Perbaikan saluran air Jalan Sudirman",
        description="Saluran tersumbat; setiap hujan air meluap ke jalan dan ke rumah warga.",
        address_text="Jalan Sudirman, depan pasar",
        submit_key=uuid.uuid5(uuid.NAMESPACE_URL, "demo:usulan:saluran"),
    )
    built = aspirations.usulan_discuss(usulan=built, actor=admin)
    built = aspirations.usulan_accept(
        usulan=built, actor=admin, plan=Plan.RKPD, plan_year=aspirations.musrenbang_year()
    )
    aspirations.usulan_built(
        usulan=built,
        actor=admin,
        built_on=timezone.localdate(),
        note="Saluran dibersihkan dan ditutup beton, APBD Dinas PUPR.",
    )
    aspirations.usulan_submit(
        proposer=siti,
        region=siti.home_region,
        topic=Topic.HEALTH,
        title="Posyandu untuk lansia setiap bulan",
        description="Warga lanjut usia perlu pemeriksaan tekanan darah dan gula darah yang dekat.",
        submit_key=uuid.uuid5(uuid.NAMESPACE_URL, "demo:usulan:posyandu"),
    )
    lines.append("dua usulan Musrenbang (satu sudah dibangun)")


def demo_activity_seed() -> ActivityReport:
    """Make the demo's cases once; ``created`` is False when they were there already."""
    siti = _user("0811-0000-0001")
    if Application.objects.filter(applicant=siti).exists():
        return ActivityReport(created=False)
    lines: list[str] = []
    with transaction.atomic():
        _applications(lines)
        _reports(lines)
        _places(lines)
        _musrenbang(lines)
    return ActivityReport(created=True, lines=lines)
