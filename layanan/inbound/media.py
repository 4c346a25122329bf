"""Fetching a WhatsApp message's media (a voice note) from Meta's Cloud API.

Two GETs with the app's token (``WHATSAPP_TOKEN``): ``/<version>/<media id>`` answers a short-lived
download URL, which answers the bytes. At most ``limit + 1`` bytes are read, so the caller's size
check (``core.audio``) sees a file too large without it being held whole. Errors are
:class:`MediaError`, whose message names neither the URL nor the sender.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

_CHUNK = 64 * 1024


class MediaError(Exception):
    """The media could not be fetched (no token, not found, network, an answer we cannot read)."""


def _get(url: str, *, token: str) -> urllib.request.Request:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise MediaError("media URL is not http(s)")
    return urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}, method="GET")  # noqa: S310


def whatsapp_media(media_id: str, *, limit: int) -> bytes:
    """The bytes of WhatsApp media ``media_id`` (at most ``limit + 1``); :class:`MediaError` otherwise."""
    token = settings.WHATSAPP_TOKEN
    if not token:
        raise MediaError("WHATSAPP_TOKEN is not configured")
    base = settings.WHATSAPP_API_URL.rstrip("/")
    lookup = f"{base}/{settings.WHATSAPP_API_VERSION}/{urllib.parse.quote(media_id, safe='')}"
    timeout = float(settings.WHATSAPP_TIMEOUT)
    try:
        with urllib.request.urlopen(_get(lookup, token=token), timeout=timeout) as response:  # noqa: S310  # nosec B310  # http(s) only, checked in _get
            described = json.loads(response.read(_CHUNK))
        url = described.get("url") if isinstance(described, dict) else None
        if not isinstance(url, str):
            raise MediaError("media lookup without a url")
        content = bytearray()
        with urllib.request.urlopen(_get(url, token=token), timeout=timeout) as response:  # noqa: S310  # nosec B310  # http(s) only, checked in _get
            while len(content) <= limit:
                chunk = response.read(min(_CHUNK, limit + 1 - len(content)))
                if not chunk:
                    break
                content.extend(chunk)
    except (OSError, ValueError) as error:  # urllib's HTTPError and URLError are OSErrors; bad JSON
        raise MediaError(type(error).__name__) from None
    return bytes(content)
