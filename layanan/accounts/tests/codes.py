"""Reading the one-time codes the fake gateway and the test mailbox received."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client

from layanan.notifications.testing import FakeGateway

CODE = re.compile(r"\b(\d{6,8})\b")
CODE_URL = "/akun/kode/"


def texts_to(fake_gateway: FakeGateway, phone: str) -> list[str]:
    """Every SMS text and WhatsApp parameter list the gateway delivered to ``phone`` (+62…)."""
    found: list[str] = []
    for record in fake_gateway.delivered:
        if record.channel == "sms" and record.body.get("to") == phone:
            found.append(str(record.body["text"]))
        elif record.channel == "whatsapp" and record.body.get("to") == phone.removeprefix("+"):
            template = record.body.get("template") or {}
            params = [p["text"] for c in template.get("components", []) for p in c.get("parameters", [])]
            found.append(" ".join([template.get("name", ""), *params]))
    return found


def code_sent_to(fake_gateway: FakeGateway | None, destination: str) -> str:
    """The latest code sent to ``destination`` (a +62 phone or an email); fails when none."""
    if "@" in destination:
        texts = [str(m.body) for m in mail.outbox if destination in m.to]
    else:
        assert fake_gateway is not None
        texts = texts_to(fake_gateway, destination)
    codes = [match.group(1) for text in texts for match in [CODE.search(text)] if match]
    assert codes, f"no code was sent to {destination[:4]}…"
    return codes[-1]


def enter_code(client: Client, code: str, **extra: Any) -> Any:
    return client.post(CODE_URL, {"code": code, **extra})
