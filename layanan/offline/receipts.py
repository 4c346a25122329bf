"""A form sent twice with the same submit key is answered once (docs/offline.md, "Exactly once").

The outbox sends a kept form again when the answer was lost, and a person may press send twice: for
a form that changes things in place (an application's step, its uploads) :func:`once` runs the view
for the first key only, remembers where it sent the person, and answers a repeat with that redirect.
A form page with errors is not remembered (nothing was done: the next try runs again). Another
account, or another page, reusing a key is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.offline.models import FormReceipt


def once(request: HttpRequest, user: User, run: Callable[[], HttpResponse]) -> HttpResponse:
    """``run()`` for a POST with a new ``submit_key``; the first redirect for a repeat of it.

    The receipt is written first, in the same transaction as the work: a second request with the
    same key waits for the first to commit (the unique key), then gets its answer.
    """
    try:
        key = uuid.UUID(request.POST.get("submit_key", ""))
    except ValueError:
        return run()  # a form from before the key (or without one): as it always was
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = FormReceipt.objects.create(key=key, user=user, path=request.path)
        except IntegrityError:
            earlier = FormReceipt.objects.filter(key=key).first()
            if earlier is None or earlier.user_id != user.pk or earlier.path != request.path:
                raise PermissionDenied(
                    _("Formulir ini sudah dipakai. Muat ulang halaman, lalu isi lagi.")
                ) from None
            return HttpResponseRedirect(earlier.answer or request.get_full_path())
        response = run()
        if isinstance(response, HttpResponseRedirect):
            receipt.answer = response.url[:300]
            receipt.save(update_fields=["answer"])
        else:
            receipt.delete()
    return response
