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
``letter.date``, ``letter.office``, ``letter.signer_title`` ("Kepala Desa Tanjung Raja"),
``letter.place``, ``letter.code`` (the document code printed under the QR)...

The letterhead (kop surat) is the issuing office's own: its lines, address,
phone, email and head's title (:mod:`layanan.agencies.letterhead`), with
defaults for what it has not set.

A template that does not compile raises :class:`TemplateProblem` with
typst's message, shortened: for the administrator, never for the citizen.

**The template reaches no file of the server.** typst resolves ``read``,
``image``, ``include``, ``import``, ``json``, ``csv``... against a project
root, by default the process's working directory (the repository, with
``var/dev-secrets.json``, the CA key and the SQLite database). A letter is
compiled with a fresh, empty temporary directory as root: everything the
frame needs (logo, QR code, data) arrives as bytes in ``sys.inputs``, fonts
come from the wheel, so a relative path, ``../`` or an absolute path finds
nothing, and the administrator is told plainly that templates cannot read
files (:data:`FILE_ACCESS_MESSAGE`), without the server's paths. Packages
(``#import "@local/..."``, ``"@preview/..."``) are looked up in empty folders
of that root too, so none of the server's user is reached.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date, datetime
from pathlib import Path

import typst
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.letterhead import Letterhead, office_letterhead
from layanan.agencies.models import Office
from layanan.calendars.selectors import WIB
from layanan.documents.models import LetterTemplate

__all__ = [
    "TemplateProblem",
    "code_grouped",
    "date_indonesian",
    "date_text_indonesian",
    "letter_inputs",
    "letter_source",
    "render_letter",
    "signer_title",
    "verify_url_short",
]

MESSAGE_MAX = 300
FILE_ACCESS_MESSAGE = (
    "Templat surat tidak boleh membaca berkas dari server (read, image, include, import, json, csv...). "
    "Tulis teksnya langsung di templat; logo dan kode QR sudah disediakan."
)
# typst's words when a path is outside the root or not in it ("file not found (searched at …)").
_FILE_ERRORS = re.compile(
    r"file not found|would escape the project root|access denied|is a directory|package", re.I
)

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


def date_indonesian(when: date | datetime) -> str:
    """``28 November 2026`` (a moment in WIB; a date as it is)."""
    local = timezone.localtime(when, WIB) if isinstance(when, datetime) and timezone.is_aware(when) else when
    return f"{local.day} {MONTHS_ID[local.month - 1]} {local.year}"


def date_text_indonesian(value: str) -> str:
    """An ISO date as written on a letter (``1988-03-12`` → ``12 Maret 1988``); other text unchanged."""
    try:
        return date_indonesian(date.fromisoformat(value.strip()))
    except ValueError:
        return value


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
    let lines = letter.lines
    for (index, line) in lines.enumerate() {
      if index > 0 { linebreak() }
      let last = index == lines.len() - 1
      text(size: if last { 15pt } else { 13pt }, weight: "bold", line)
    }
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
    #letter.signer_title
    #v(0.4em)
    #image(bytes(sys.inputs.qr), format: "svg", width: 2.6cm)
    #if letter.code != "" {
      v(-0.3em)
      text(size: 8.5pt)[Kode dokumen: #text(font: "DejaVu Sans Mono", letter.code)]
    }
    #v(0.2em)
    #text(weight: "bold", underline(letter.signer_name)) \\
    #if letter.signer_nip != "" [NIP. #letter.signer_nip]
  ],
)
#v(1fr)
#text(size: 8pt)[
  Dokumen ini ditandatangani secara elektronik. Periksa keasliannya dengan memindai kode QR, atau buka
  #letter.verify_url dan ketik kode
  #if letter.code != "" [#text(font: "DejaVu Sans Mono", letter.code)] else [di bawah kode QR].
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


def _contact(letterhead: Letterhead) -> str:
    parts = []
    if letterhead.phone:
        parts.append(f"Telepon {letterhead.phone}")
    if letterhead.email:
        parts.append(f"Email {letterhead.email}")
    return " · ".join(parts)


def code_grouped(public_code: str) -> str:
    """``K7QM2XPA3B9Z…`` → ``K7QM 2XPA 3B9Z …``: the document code as printed under the QR code."""
    return " ".join(public_code[i : i + 4] for i in range(0, len(public_code), 4))


def verify_url_short() -> str:
    """The verification page without the scheme, as printed: ``layanan.lampungutarakab.go.id/v/``."""
    site_url = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    host = site_url.split("://", 1)[-1]
    return f"{host}/v/" if host else "/v/"


def signer_title(signer: User, letterhead: Letterhead) -> str:
    """What the letter prints above the signature: the signer's position, or the head's full title
    when the position is empty or only its beginning ("Kepala Desa" → "Kepala Desa Tanjung Raja")."""
    position = " ".join(signer.position.split())
    if not position or letterhead.head_title.casefold().startswith(position.casefold()):
        return letterhead.head_title
    return position


def letter_inputs(
    *,
    template: LetterTemplate,
    data: dict[str, str],
    office: Office,
    number: str,
    issued_at: datetime,
    signer: User,
    qr_svg: str,
    public_code: str = "",
) -> dict[str, str]:
    """The ``sys_inputs`` for typst: every value as JSON (text), never as markup.

    The letterhead is the issuing office's own (:func:`~layanan.agencies.letterhead.office_letterhead`,
    with defaults for what it has not set). ``public_code`` is printed under the QR code.
    """
    regency = settings.REGENCY
    letterhead = office_letterhead(office)
    title = signer_title(signer, letterhead)
    letter: dict[str, object] = {
        "title": template.title,
        "number": number,
        "government": f"Pemerintah {regency['name']}",
        "lines": list(letterhead.lines),
        "office": office.name,
        "address": letterhead.address,
        "contact": _contact(letterhead),
        "place": letterhead.place,
        "date": date_indonesian(issued_at),
        "head_title": letterhead.head_title,
        "signer_name": signer.full_name,
        "signer_title": title,
        "signer_position": title,
        "signer_nip": signer.nip,
        "code": code_grouped(public_code),
        "verify_url": verify_url_short(),
        "logo": _logo_svg(),
    }
    clean = {str(key): "" if value is None else str(value) for key, value in data.items()}
    return {"data": json.dumps(clean), "letter": json.dumps(letter), "qr": qr_svg}


def _short(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


def _problem_message(message: str) -> str:
    """typst's message for the administrator; a refused file access said plainly, without any path."""
    if _FILE_ERRORS.search(message):
        return FILE_ACCESS_MESSAGE
    return _short(message) or "typst error"


def render_letter(
    *,
    template: LetterTemplate,
    data: dict[str, str],
    office: Office,
    number: str,
    issued_at: datetime,
    signer: User,
    qr_svg: str,
    public_code: str = "",
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
        public_code=public_code,
    )
    try:
        # An empty root of its own: the template reads no file of the server (see the module's doc).
        # The source is the only file in it (a letter never reads itself: it is plain typst markup).
        with tempfile.TemporaryDirectory(prefix="letter-") as root:
            source = Path(root) / "letter.typ"
            source.write_text(letter_source(template), encoding="utf-8")
            pdf = typst.compile(
                str(source),
                root=root,
                # No local typst packages of the server's user either (~/.local/share/typst...).
                package_path=str(Path(root) / "packages"),
                package_cache_path=str(Path(root) / "package-cache"),
                sys_inputs=inputs,
                ignore_system_fonts=True,
                font_paths=[],
            )
    except (typst.TypstError, RuntimeError, ValueError) as error:
        raise TemplateProblem(_problem_message(str(error))) from error
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF"):
        raise TemplateProblem("typst did not produce a PDF")
    return pdf
