"""Turning an event and its data into the text of one channel, and counting SMS segments."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass

from layanan.notifications.events import PLACEHOLDERS, event_get
from layanan.notifications.models import MessageTemplate

# GSM 03.38 basic set; the extension set costs two septets per character.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")

SAMPLE_DATA: Mapping[str, str] = {
    "first_name": "Siti",
    "tracking_number": "PMH-2026-000123-K",
    "status": "Sedang diproses",
    "link": "https://layanan.lampungutarakab.go.id/s/AB12CD",
    "office": "Disdukcapil",
}


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # in septets for GSM-7, in UTF-16 units for UCS-2
    count: int

    @property
    def too_long(self) -> bool:
        return self.count > 2


def sms_segments(text: str) -> Segments:
    """How many SMS parts ``text`` takes: 160 GSM-7 (153 each when split) or 70 UCS-2 (67 each)."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text):
        length = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    count = 0 if length == 0 else 1 if length <= single else math.ceil(length / part)
    return Segments(encoding=encoding, characters=length, count=count)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    whatsapp_template: str
    parameters: list[str]  # the values of the placeholders in order of appearance (WhatsApp template)


class _Strict(dict[str, str]):
    def __missing__(self, key: str) -> str:
        if key in PLACEHOLDERS:
            return ""
        raise KeyError(key)


def _fill(text: str, data: Mapping[str, str]) -> str:
    return text.format_map(_Strict(data))


def _ordered_parameters(text: str, data: Mapping[str, str]) -> list[str]:
    names = [n for _lit, n, _s, _c in string.Formatter().parse(text) if n]
    return [data.get(name, "") or "-" for name in names]


def default_whatsapp_template(event: str) -> str:
    return "layanan_" + event.replace(".", "_")


def render(*, event: str, channel: str, language: str, data: Mapping[str, str]) -> Rendered:
    """The text of ``event`` for ``channel`` in ``language`` (the administrator's template if any)."""
    definition = event_get(event)
    texts = definition.text(language)
    override = (
        MessageTemplate.objects.filter(event=event, channel=channel, language=language)
        .only("subject", "body", "whatsapp_template")
        .first()
    )
    subject = texts.subject
    body = texts.email_body if channel == "email" else texts.short
    wa_name = default_whatsapp_template(event)
    if override is not None:
        body = override.body or body
        subject = override.subject or subject
        wa_name = override.whatsapp_template or wa_name
    return Rendered(
        subject=_fill(subject, data),
        text=_fill(body, data),
        whatsapp_template=wa_name,
        parameters=_ordered_parameters(body, data),
    )
