"""Letters as PDF: a regency letterhead (kop surat), the office's template, the signer and the QR code.

The letter is compiled by typst (``typst`` on PyPI, the compiler embedded in
the wheel) with the wheel's own fonts only, so rendering needs no system fonts
and looks the same on every machine.

**Citizen data never becomes markup.** Everything that comes from an
application, a person or an office travels to typst as JSON in
``sys.inputs`` and is decoded there (``json(bytes(sys.inputs.data))``); a
string inserted into a typst document is always shown as text, so ``#``,
``*``, ``]`` or ``$`` in a name appear literally. Only the template's body
(written by an administrator in the admin) is typst markup. The template
reaches the application's answers as ``field("name")`` (a missing answer is
shown as ``-``; ``data`` is the raw dictionary), a block of answers as
``rows(("Nama", "nama"), ("NIK", "nik"))``, and the letter as ``letter.number``,
``letter.date``, ``letter.office``...

A template that does not compile raises :class:`TemplateProblem` with
typst's message, shortened: for the administrator, never for the citizen.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typst
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.calendars.selectors import WIB
from layanan.documents.models import LetterTemplate

__all__ = ["TemplateProblem", "date_indonesian", "letter_inputs", "letter_source", "render_letter"]

MESSAGE_MAX = 300

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


class TemplateProblem(Exception):
    """The letter template does not compile; ``str(problem)`` is typst's message, for the administrator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def date_indonesian(when: datetime) -> str:
    """``28 November 2026`` (in WIB)."""
    local = timezone.localtime(when, WIB) if timezone.is_aware(when) else when
    return f"{local.day} {MONTHS_ID[local.month - 1]} {local.year}"


# The letterhead and the frame around the template's body. Only the body is
# spliced in (between the markers); every value arrives through sys.inputs.
_FRAME = """\
#let data = json(bytes(sys.inputs.data))
#let letter = json(bytes(sys.inputs.letter))
#let field(name) = {
  let value = data.at(name, default: "")
  if value == none or value == "" { "-" } else { str(value) }
}
#let rows(..pairs) = grid(
  columns: (5.2cm, 0.4cm, 1fr),
  row-gutter: 0.6em,
  ..pairs.pos().map(((label, name)) => (label, ":", field(name))).flatten(),
)
#set document(title: letter.title + " " + letter.number, keywords: (letter.number,))
#set page(paper: "a4", margin: (top: 1.6cm, bottom: 2cm, x: 2.2cm))
#set text(font: "Libertinus Serif", size: 11.5pt, lang: "id")
#set par(justify: true, leading: 0.62em)

#grid(
  columns: (2.1cm, 1fr, 2.1cm),
  align: (left + horizon, center + horizon, left),
  {
    if letter.logo != "" { image(bytes(letter.logo), format: "svg", width: 2cm) }
  },
  {
    text(size: 13pt, weight: "bold", upper(letter.government))
    linebreak()
    text(size: 15pt, weight: "bold", upper(letter.office))
    linebreak()
    text(size: 9.5pt, letter.address)
    if letter.contact != "" {
      linebreak()
      text(size: 9.5pt, letter.contact)
    }
  },
  [],
)
#v(-0.3em)
#line(length: 100%, stroke: 1.6pt)
#v(-0.85em)
#line(length: 100%, stroke: 0.5pt)

#align(center)[
  #text(size: 13pt, weight: "bold", underline(upper(letter.title))) \\
  Nomor: #letter.number
]
#v(0.8em)

// --- template body ---
{body}
// --- end of template body ---

#v(1.5em)
#grid(
  columns: (1fr, 7.5cm),
  [],
  [
    #letter.place, #letter.date \\
    #letter.signer_position
    #v(0.4em)
    #image(bytes(sys.inputs.qr), format: "svg", width: 2.6cm)
    #v(0.2em)
    #text(weight: "bold", underline(letter.signer_name)) \\
    #if letter.signer_nip != "" [NIP. #letter.signer_nip]
  ],
)
#v(1fr)
#text(size: 8pt)[
  Dokumen ini ditandatangani secara elektronik. Keasliannya dapat diperiksa dengan memindai kode QR
  atau di #letter.verify_url.
]
"""


def letter_source(template: LetterTemplate) -> str:
    """The whole typst source of a letter: the frame with the template's body inside."""
    return _FRAME.replace("{body}", template.body)


def _logo_svg() -> str:
    logo = str(settings.REGENCY.get("logo", ""))
    if not logo:
        return ""
    found = finders.find(logo)
    path = Path(found) if isinstance(found, str) else None
    if path is None or path.suffix.lower() != ".svg" or not path.is_file():
        return ""  # no logo is better than no letter
    return path.read_text(encoding="utf-8")


def _contact(office: Office) -> str:
    parts = []
    if office.phone:
        parts.append(f"Telepon {office.phone}")
    if office.email:
        parts.append(f"Email {office.email}")
    return " · ".join(parts)


def letter_inputs(
    *,
    template: LetterTemplate,
    data: dict[str, str],
    office: Office,
    number: str,
    issued_at: datetime,
    signer: User,
    qr_svg: str,
) -> dict[str, str]:
    """The ``sys_inputs`` for typst: every value as JSON (text), never as markup."""
    regency = settings.REGENCY
    site_url = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    letter = {
        "title": template.title,
        "number": number,
        "government": f"Pemerintah {regency['name']}",
        "office": office.name,
        "address": office.address or str(regency["address"]),
        "contact": _contact(office),
        "place": str(regency["capital"]),
        "date": date_indonesian(issued_at),
        "signer_name": signer.full_name,
        "signer_position": signer.position,
        "signer_nip": signer.nip,
        "verify_url": f"{site_url}/v/" if site_url else "/v/",
        "logo": _logo_svg(),
    }
    clean = {str(key): "" if value is None else str(value) for key, value in data.items()}
    return {"data": json.dumps(clean), "letter": json.dumps(letter), "qr": qr_svg}


def _short(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


def render_letter(
    *,
    template: LetterTemplate,
    data: dict[str, str],
    office: Office,
    number: str,
    issued_at: datetime,
    signer: User,
    qr_svg: str,
) -> bytes:
    """The letter as PDF bytes; :class:`TemplateProblem` when the template does not compile."""
    inputs = letter_inputs(
        template=template,
        data=data,
        office=office,
        number=number,
        issued_at=issued_at,
        signer=signer,
        qr_svg=qr_svg,
    )
    try:
        pdf = typst.compile(
            letter_source(template).encode("utf-8"),
            sys_inputs=inputs,
            ignore_system_fonts=True,
            font_paths=[],
        )
    except (typst.TypstError, RuntimeError, ValueError) as error:
        raise TemplateProblem(_short(str(error)) or "typst error") from error
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF"):
        raise TemplateProblem("typst did not produce a PDF")
    return pdf
