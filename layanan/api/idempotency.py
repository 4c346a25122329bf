"""``Idempotency-Key`` on every create: the same key from the same caller gets the first answer.

:func:`once` writes the :class:`IdempotentAnswer` first, in the transaction of the create: a second
request with the key waits on the unique index until the first commits, then reads its answer. A
refusal writes nothing (the transaction rolls back), so the next try with the key runs again. The
same key with a different request (another operation or another body) is refused with
``idempotency_key_reused``. Answers are forgotten after ``API_IDEMPOTENCY_KEEP_HOURS``.

What is kept is what ``run()`` returns: the REST API keeps only the id of what it made and shows the
resource as it is now on a repeat, so no copy of a person's data (an application's answers, a
report's text) sits here, outside the encryption and the erasure of the records themselves.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.http.request import RawPostDataException
from django.utils import timezone

from layanan.api.auth import Caller
from layanan.api.models import IdempotentAnswer
from layanan.api.problems import ApiError

KEY_MAX = 100


def key_of(request: HttpRequest) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > KEY_MAX or not key.isprintable():
        raise ApiError("bad_request", 400, header="Idempotency-Key")
    return key


def fingerprint(request: HttpRequest, operation: str) -> str:
    """What the request asked for: the operation, its query and its body (files included)."""
    digest = hashlib.sha256(operation.encode())
    digest.update(b"\0" + request.META.get("QUERY_STRING", "").encode())
    try:
        digest.update(b"\0" + request.body)
    except RawPostDataException:  # a multipart body, already parsed: its fields and its files' bytes
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(b"\0" + name.encode() + b"=" + value.encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(b"\0" + name.encode() + b":")
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    return digest.hexdigest()


def derived_uuid(caller: Caller, key: str) -> uuid.UUID | None:
    """A stable submit key for services that are idempotent on their own (reports, submissions)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"layanan:api:{caller.key}:{key}") if key else None


def once(
    request: HttpRequest, caller: Caller, operation: str, run: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any], bool]:
    """``run()`` once per key: (status, what it returned, replayed)."""
    key = key_of(request)
    if not key:
        status, body = run()
        return status, body, False
    printed = fingerprint(request, operation)
    with transaction.atomic():
        try:
            with transaction.atomic():
                answer = IdempotentAnswer.objects.create(
                    caller=caller.key, key=key, operation=operation, fingerprint=printed
                )
        except IntegrityError:
            earlier = IdempotentAnswer.objects.filter(caller=caller.key, key=key).first()
            if earlier is None or earlier.fingerprint != printed or earlier.body is None:
                raise ApiError("idempotency_key_reused", 422) from None
            return earlier.status, earlier.body, True
        status, body = run()
        answer.status = status
        answer.body = body
        answer.save(update_fields=["status", "body"])
    return status, body, False


def idempotent_answers_prune() -> int:
    """Forget answers older than ``API_IDEMPOTENCY_KEEP_HOURS``; a periodic task calls it."""
    cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_KEEP_HOURS)
    deleted, _ = IdempotentAnswer.objects.filter(created_at__lt=cutoff).delete()
    return deleted
