"""Plain-words helpers for the catalogue pages: who handles a service, its fee, its SLA, its texts."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layanan.catalogue.models import Service

register = template.Library()

_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(?P<text>.+)$")


@register.filter
def handled_by(service: Service) -> str:
    """The office that handles ``service``, in words a citizen understands."""
    if service.handler == Service.Handler.FIXED_OFFICE and service.office is not None:
        return service.office.name
    if service.handler == Service.Handler.APPLICANT_DISTRICT:
        return _("Kantor kecamatan tempat tinggal Anda")
    return _("Kantor desa/kelurahan tempat tinggal Anda")


@register.filter
def fee(service: Service) -> str:
    """ "Gratis" for Rp 0, else the amount with Indonesian thousands dots (Rp 30.000)."""
    if not service.fee_rupiah:
        return _("Gratis")
    return "Rp " + f"{service.fee_rupiah:,}".replace(",", ".")


@register.filter
def sla(service: Service) -> str:
    days = service.sla_working_days
    return ngettext("%(days)d hari kerja", "%(days)d hari kerja", days) % {"days": days}


@register.filter
def paragraphs(text: str) -> SafeString:
    """Plain text as HTML: runs of numbered lines ("1. ...") become an ordered list, other
    blocks paragraphs. Everything is escaped."""
    parts: list[SafeString] = []
    items: list[str] = []
    lines: list[str] = []

    def flush_lines() -> None:
        if lines:
            parts.append(format_html("<p>{}</p>", " ".join(lines)))
            lines.clear()

    def flush_items() -> None:
        if items:
            parts.append(
                format_html("<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((item,) for item in items)))
            )
            items.clear()

    for line in (text or "").splitlines():
        numbered = _NUMBERED.match(line)
        if numbered:
            flush_lines()
            items.append(numbered["text"].strip())
        elif line.strip():
            flush_items()
            lines.append(line.strip())
        else:
            flush_lines()
            flush_items()
    flush_lines()
    flush_items()
    return SafeString("".join(parts))  # nosec B703  # every part built by format_html
