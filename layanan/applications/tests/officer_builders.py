"""A Disdukcapil application as an officer meets it: a desa, a birth date, NIKs, a photo and a PDF."""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.applications import services
from layanan.applications.models import Application, RequirementCheck
from layanan.applications.tests import builders
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.documents.tests.pdfs import tiny_pdf
from layanan.testing import Cast

MOTHER_NIK = "1803045203880001"
FATHER_KK = "1803041201100007"


def birth_service(cast: Cast) -> Service:
    service = Service.objects.create(
        slug=f"akta-uji-{uuid.uuid4().hex[:6]}",
        name="Akta kelahiran",
        summary="Pencatatan kelahiran anak.",
        handler=Service.Handler.FIXED_OFFICE,
        office=cast.world.disdukcapil,
        sla_working_days=3,
        output=Service.Output.SIAK,
    )
    fields = [
        ("nama_anak", "Nama lengkap anak", FormField.Kind.TEXT),
        ("tanggal_lahir", "Tanggal lahir", FormField.Kind.DATE),
        ("desa_lahir", "Desa/kelurahan tempat lahir", FormField.Kind.VILLAGE),
        ("nik_ibu", "NIK ibu", FormField.Kind.NIK),
        ("nomor_kk", "Nomor Kartu Keluarga (KK)", FormField.Kind.KK),
    ]
    for order, (name, label, kind) in enumerate(fields, start=1):
        FormField.objects.create(service=service, step=1, order=order, name=name, label=label, kind=kind)
    Requirement.objects.create(
        service=service, order=1, code="surat_lahir", name="Surat keterangan lahir", kind="upload"
    )
    Requirement.objects.create(service=service, order=2, code="kk", name="Kartu Keluarga", kind="upload")
    return service


def pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("surat.pdf", tiny_pdf("Surat keterangan lahir"), content_type="application/pdf")


def birth_application(cast: Cast) -> Application:
    """Submitted by Siti and claimed by Budi."""
    service = birth_service(cast)
    application = services.application_start(service=service, applicant=cast.siti, actor=cast.siti)
    services.application_save_step(
        application=application,
        actor=cast.siti,
        step=1,
        answers={
            "nama_anak": "Putri Aminah",
            "tanggal_lahir": "1988-03-12",
            "desa_lahir": cast.world.tanjung_raja_desa.code,
            "nik_ibu": MOTHER_NIK,
            "nomor_kk": FATHER_KK,
        },
    )
    for code, upload in (("surat_lahir", pdf_upload()), ("kk", builders.png_upload())):
        services.requirement_provide(
            application=application,
            actor=cast.siti,
            requirement=service.requirements.get(code=code),
            provision=RequirementCheck.Provision.UPLOAD,
            upload=upload,
        )
    application = services.application_submit(
        application=application, actor=cast.siti, submit_key=uuid.uuid4()
    )
    return services.application_claim(
        application=application, actor=cast.budi, expected_version=application.version
    )
