"""Open311 answers in the two formats of the specification: JSON and XML.

The views build plain values (dicts, lists, strings, numbers, booleans, None); :func:`answer` writes
them as ``application/json`` or as ``text/xml`` with the XML declaration, the root element named as
in the specification's examples and each list item named by :data:`ITEMS` (``services`` holds
``service`` elements, ``service_requests`` holds ``request`` elements, ``errors`` holds ``error``).
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.xmlutils import SimplerXMLGenerator

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("text/xml", "application/json")

# The element of each list's items, as in the specification's XML examples.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

_NO_ATTRIBUTES: Any = {}  # Django's feeds pass a dict too; the stubs want a SAX AttributesImpl
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0


def w3c(moment: datetime | None) -> str | None:
    """A date and time as the W3C note of ISO 8601 wants it, with its offset (WIB, +07:00)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _CONTROL.sub("", str(value))


def _write(xml: SimplerXMLGenerator, name: str, value: Any) -> None:
    if isinstance(value, dict):
        xml.startElement(name, _NO_ATTRIBUTES)
        for key, inner in value.items():
            _write(xml, key, inner)
        xml.endElement(name)
    elif isinstance(value, list):
        xml.startElement(name, _NO_ATTRIBUTES)
        for inner in value:
            _write(xml, ITEMS[name], inner)
        xml.endElement(name)
    else:
        xml.addQuickElement(name, _text(value))


def as_xml(root: str, data: Any) -> bytes:
    stream = io.StringIO()
    xml = SimplerXMLGenerator(stream, "utf-8")
    xml.startDocument()
    _write(xml, root, data)
    xml.endDocument()
    return stream.getvalue().encode("utf-8")


def answer(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """``data`` as JSON (its own shape) or as XML under ``root``."""
    if fmt == "xml":
        return HttpResponse(as_xml(root, data), status=status, content_type=XML_TYPE)
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type=JSON_TYPE)


def errors(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error answer: a list of ``{code, description}``; the code is the status."""
    return answer(fmt, "errors", [{"code": status, "description": str(description)}], status=status)
