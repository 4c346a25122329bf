"""The text of a PDF page as a reader sees it, for tests that read what a letter says.

No PDF text library is installed, and pyHanko reads objects but not text, so this is a
small extractor for what typst writes: Type0 fonts with a ``/ToUnicode`` CMap, text
shown with ``Tj``/``TJ``, a word space drawn as a glyph. Each text object (``BT``…``ET``)
becomes one line; :func:`pdf_text` joins the lines of every page, and
:func:`pdf_text_flat` squeezes all white space to single spaces for substring checks.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _cmap(stream: bytes) -> dict[int, str]:
    """Glyph code → text, from a ToUnicode CMap's ``bfchar`` and ``bfrange`` sections."""
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        pairs = _HEX.findall(block)
        for code, text in zip(pairs[::2], pairs[1::2], strict=False):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for line in block.splitlines():
            values = _HEX.findall(line)
            if len(values) < 3:
                continue
            start, end = int(values[0], 16), int(values[1], 16)
            if b"[" in line:
                for offset, text in enumerate(values[2:]):
                    mapping[start + offset] = bytes.fromhex(text.decode()).decode("utf-16-be")
            else:
                first = int(values[2], 16)
                for offset in range(end - start + 1):
                    mapping[start + offset] = chr(first + offset)
    return mapping


def _literal(data: bytes, index: int) -> tuple[bytes, int]:
    """The literal string starting after ``(`` at ``index``; returns it and the index after ``)``."""
    out = bytearray()
    depth = 1
    while index < len(data):
        char = data[index : index + 1]
        index += 1
        if char == b"\\":
            following = data[index : index + 1]
            if following in _ESCAPES:
                out += _ESCAPES[following]
                index += 1
            elif following.isdigit():
                digits = re.match(rb"[0-7]{1,3}", data[index : index + 3])
                assert digits is not None
                out.append(int(digits.group(), 8) & 0xFF)
                index += len(digits.group())
            elif following == b"\n":
                index += 1
            else:
                out += following
                index += 1
        elif char == b"(":
            depth += 1
            out += char
        elif char == b")":
            depth -= 1
            if depth == 0:
                return bytes(out), index
            out += char
        else:
            out += char
    return bytes(out), index


def _page_lines(content: bytes, fonts: dict[str, dict[int, str]]) -> list[str]:
    lines: list[str] = []
    current = ""
    font: dict[int, str] = {}
    pending: list[bytes] = []
    last_name = ""
    index = 0
    while index < len(content):
        char = content[index : index + 1]
        if char == b"(":
            text, index = _literal(content, index + 1)
            pending.append(text)
            continue
        if content[index : index + 2] in (b"<<", b">>"):
            index += 2
            continue
        if char == b"<":
            end = content.index(b">", index)
            pending.append(bytes.fromhex(content[index + 1 : end].decode()))
            index = end + 1
            continue
        if char == b"/":
            match = re.match(rb"/([^\s/\[\]()<>]+)", content[index:])
            assert match is not None
            last_name = match.group(1).decode()
            index += match.end()
            continue
        match = re.match(rb"[A-Za-z'\"*]+", content[index:])
        if match:
            operator = match.group()
            if operator == b"Tf":
                font = fonts.get(last_name, {})
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                for raw in pending:
                    codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]
                    current += "".join(font.get(code, "") for code in codes)
            elif operator == b"ET":
                if current.strip():
                    lines.append(current.strip())
                current = ""
            if operator not in (b"Tf",):
                pending = [] if operator in (b"Tj", b"TJ", b"'", b'"', b"BT", b"ET") else pending
            index += match.end()
            continue
        index += 1
    return lines


def _data(stream: Any) -> bytes:
    stream = stream.get_object() if hasattr(stream, "get_object") else stream
    if isinstance(stream, list):
        return b"\n".join(bytes(item.get_object().data) for item in stream)
    return bytes(stream.data)


def pdf_text(pdf: bytes) -> str:
    """Every page's text, one line per text object, pages separated by a blank line."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    pages: list[str] = []
    for page_number in range(int(reader.root["/Pages"]["/Count"])):
        page_ref, _ = reader.find_page_for_modification(page_number)
        page = page_ref.get_object()
        resources = page["/Resources"]
        fonts = {
            str(name).lstrip("/"): _cmap(_data(font.get_object()["/ToUnicode"]))
            for name, font in resources.get("/Font", {}).items()
            if "/ToUnicode" in font.get_object()
        }
        pages.append("\n".join(_page_lines(_data(page["/Contents"]), fonts)))
    return "\n\n".join(pages)


def pdf_text_flat(pdf: bytes) -> str:
    """The text of the whole PDF with all white space squeezed to single spaces."""
    return " ".join(pdf_text(pdf).split())
