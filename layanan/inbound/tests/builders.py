"""Builders for the inbound tests: signed webhook requests, Cloud API payloads, villages, categories."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from typing import Any

from django.test import Client
from django.urls import reverse

from layanan.complaints.models import Category
from layanan.inbound.models import InboundMessage
from layanan.notifications.models import Message
from layanan.regions.models import Region
from layanan.testing import World

SMS_SECRET = "rahasia-sms-uji"
WA_SECRET = "rahasia-aplikasi-meta-uji"
WA_VERIFY = "token-verifikasi-uji"
STRANGER = "081299998888"  # a number with no account

_ids = itertools.count(1)


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def new_id(prefix: str = "sms") -> str:
    return f"{prefix}-{next(_ids)}"


def post_sms(
    client: Client,
    *,
    text: str,
    sender: str = STRANGER,
    gateway_id: str | None = None,
    url: str = "inbound:sms",
    signature: str | None = None,
) -> Any:
    body = json.dumps({"id": gateway_id or new_id(), "from": sender, "text": text}).encode()
    return post_raw(
        client, body, url=url, signature=sign(SMS_SECRET, body) if signature is None else signature
    )


def post_raw(
    client: Client,
    body: bytes,
    *,
    url: str = "inbound:sms",
    signature: str = "",
    header: str = "X-Signature",
    content_type: str = "application/json",
) -> Any:
    headers = {header: signature} if signature else {}
    return client.post(reverse(url), data=body, content_type=content_type, headers=headers)


def wa_message(*, text: str, sender: str = "6281299998888", gateway_id: str | None = None) -> dict[str, Any]:
    return {
        "from": sender,
        "id": gateway_id or new_id("wamid.IN"),
        "timestamp": "1767225600",
        "type": "text",
        "text": {"body": text},
    }


def wa_payload(*, messages: list[Any] | None = None, statuses: list[Any] | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6272421000", "phone_number_id": "1234567890"},
    }
    if messages is not None:
        value["contacts"] = [{"profile": {"name": "Warga"}, "wa_id": "6281299998888"}]
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA-1", "changes": [{"value": value, "field": "messages"}]}],
    }


def post_whatsapp(
    client: Client, payload: Any, *, secret: str = WA_SECRET, signature: str | None = None
) -> Any:
    body = json.dumps(payload).encode()
    given = f"sha256={sign(secret, body)}" if signature is None else signature
    return post_raw(client, body, url="inbound:whatsapp", signature=given, header="X-Hub-Signature-256")


def village(code: str, name: str, district: Region) -> Region:
    region, _created = Region.objects.get_or_create(
        code=code,
        defaults={"name": name, "level": Region.Level.VILLAGE, "parent": district, "village_type": "desa"},
    )
    return region


def district(code: str, name: str, world: World) -> Region:
    region, _created = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": Region.Level.DISTRICT, "parent": world.regency}
    )
    return region


def reply_of(message: InboundMessage | None) -> Message:
    """The reply queued for ``message`` (failing the test when there is none)."""
    assert message is not None
    assert message.reply is not None
    return message.reply


def kotabumi_udik(world: World) -> Region:
    return village("18.03.02.1001", "Kotabumi Udik", world.kotabumi)


def categories(world: World) -> Category:
    """A road category and the general "lainnya" one (returned) of Dinas PUPR."""
    Category.objects.get_or_create(
        slug="jalan-jembatan",
        defaults={"name": "Jalan dan jembatan", "default_office": world.pupr, "order": 10},
    )
    general, _created = Category.objects.get_or_create(
        slug="lainnya", defaults={"name": "Lainnya", "default_office": world.pupr, "order": 900}
    )
    return general
