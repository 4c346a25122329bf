"""What the API answers, one schema per resource; nothing here reads the database by itself."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class ErrorDetail(Schema):
    code: str = Field(description="Kode untuk mesin; tidak pernah berubah.")
    message: str = Field(description="Pesan dalam Bahasa Indonesia.")
    message_en: str = Field(description="The message in English.")
    fields: dict[str, list[str]] | None = None
    required_scope: str | None = None
    header: str | None = None
    reason: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class Texts(Schema):
    """A text in both languages (the English falls back to the Indonesian when none is written)."""

    id: str
    en: str


class RegionOut(Schema):
    code: str = Field(description="Kode wilayah Kemendagri.")
    name: str
    level: str
    parent_code: str | None = None


class OfficeOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    region_code: str | None = None
    address: str
    phone: str
    email: str


class CategoryOut(Schema):
    slug: str
    name: Texts
    description: Texts
    default_office_code: str | None = None


class RequirementOut(Schema):
    code: str
    name: Texts
    description: Texts
    kind: str
    required: bool


class FieldOut(Schema):
    name: str
    step: int
    label: Texts
    help_text: Texts
    kind: str
    required: bool
    choices: list[str]


class ServiceSummary(Schema):
    slug: str
    name: Texts
    summary: Texts
    category: str
    office_code: str | None = None
    sla_working_days: int
    fee_rupiah: int
    output: str


class StandardOut(Schema):
    key: str
    title: str
    text: str


class ServiceOut(ServiceSummary):
    fields: list[FieldOut]
    requirements: list[RequirementOut]
    standards: list[StandardOut]


class StepOut(Schema):
    at: datetime
    status: str
    message: str


class ReportOut(Schema):
    id: uuid.UUID
    tracking_number: str
    kind: str
    category: str
    status: str
    status_label: str
    text: str
    region_code: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address_text: str
    occurred_on: date | None = None
    anonymous: bool
    confidential: bool
    received_at: datetime
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    public_answer: str
    redirect_to: str
    satisfied: bool | None = None
    supporters: int
    practice: bool
    yours: bool = Field(description="Laporan ini milik pemanggil.")
    version: int
    actions: list[str] = Field(description="Langkah yang boleh dilakukan pemanggil sekarang.")
    timeline: list[StepOut]


class PublicReportOut(Schema):
    id: uuid.UUID
    tracking_number: str
    kind: str
    category: str
    status: str
    status_label: str
    text: str
    region_code: str
    received_at: datetime
    answered_at: datetime | None = None
    supporters: int


class AttachmentOut(Schema):
    requirement: str
    provision: str
    verdict: str
    reason: str
    has_file: bool


class ApplicationOut(Schema):
    id: uuid.UUID
    tracking_number: str | None = None
    service: str
    status: str
    status_label: str
    office_code: str | None = None
    current_step: int
    answers: dict[str, object]
    created_at: datetime
    submitted_at: datetime | None = None
    due_at: datetime | None = None
    decided_at: datetime | None = None
    decision_reason: str
    revision_message: str
    requirements: list[AttachmentOut]
    documents: list[str] = Field(description="Kode verifikasi surat yang terbit.")
    practice: bool
    version: int
    actions: list[str]
    timeline: list[StepOut]


class TrackingIn(Schema):
    tracking_number: str = Field(max_length=40)
    phone_last4: str = Field(min_length=4, max_length=4, pattern=r"^[0-9]{4}$")


class TrackingOut(Schema):
    tracking_number: str
    kind: str = Field(description="application atau report")
    title: str
    status_label: str
    submitted_at: datetime | None = None
    due_at: datetime | None = None
    answered_at: datetime | None = None
    office_name: str
    steps: list[StepOut]
    practice: bool


class DocumentOut(Schema):
    code: str
    valid: bool
    status: str
    title: str
    number: str
    issued_at: datetime | None = None
    issuer: str
    revoked_reason: str
    sha256: str


class MeOut(Schema):
    id: int
    full_name: str
    role: str
    office_code: str | None = None
    scopes: list[str] | None = Field(None, description="Izin token; kosong untuk sesi.")


class QueueItemOut(Schema):
    id: uuid.UUID
    tracking_number: str | None = None
    kind: str = Field(description="application atau report")
    title: str
    status: str
    status_label: str
    received_at: datetime | None = None
    due_at: datetime | None = None
    overdue: bool


class TransitionIn(Schema):
    action: str = Field(max_length=30)
    expected_version: int = Field(ge=0)
    reason: str = Field("", max_length=2000)
    message: str = Field("", max_length=2000)
    redirect_to: str = Field("", max_length=240)
    offices: list[str] = Field(default_factory=list, max_length=10)
    office: str = Field("", max_length=40)
    files: dict[str, str] = Field(
        default_factory=dict, description="request_revision: kode persyaratan → alasan perbaikan."
    )
    answers: dict[str, str] = Field(
        default_factory=dict, description="request_revision: nama isian → alasan perbaikan."
    )


class ReportNoteIn(Schema):
    text: str = Field(min_length=1, max_length=2000)


class SupportOut(Schema):
    supported: bool
    supporters: int


class RatingIn(Schema):
    satisfied: bool
    comment: str = Field("", max_length=2000)


class StepIn(Schema):
    step: int = Field(ge=1, le=20)
    answers: dict[str, str | int | bool | None]


class RevokedOut(Schema):
    revoked: bool
