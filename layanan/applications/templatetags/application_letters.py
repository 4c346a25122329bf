"""``{% application_letter_state application as letters %}``: the letters of a citizen's application.

For the "Surat Anda" section of the citizen's application page: the newest letter and
whether it is still valid, was revoked (when, why) or replaced, and which letters it
replaced (each pointing to its successor). Only letters linked to the application,
which the page has already shown to its applicant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template

from layanan.applications.models import Application, Status
from layanan.catalogue.models import Service
from layanan.documents.models import Document

register = template.Library()


@dataclass(frozen=True)
class Replacement:
    old: Document
    new: Document


@dataclass(frozen=True)
class LetterState:
    current: Document | None = None
    replacements: list[Replacement] = field(default_factory=list)

    @property
    def revoked(self) -> bool:
        return self.current is not None and self.current.state == Document.State.REVOKED

    @property
    def valid(self) -> bool:
        return self.current is not None and self.current.state == Document.State.VALID


@register.simple_tag
def application_letter_state(application: Application) -> LetterState:
    if application.status != Status.COMPLETED or application.service.output != Service.Output.LETTER:
        return LetterState()
    documents = list(application.documents.order_by("-issued_at", "-pk"))
    if not documents:
        return LetterState()
    by_pk = {document.pk: document for document in documents}
    replacements = [
        Replacement(old=document, new=by_pk[document.replaced_by_id])
        for document in documents
        if document.state == Document.State.REPLACED and document.replaced_by_id in by_pk
    ]
    return LetterState(current=documents[0], replacements=replacements)
