"""Pages of notifications: the person's preferences, and the staff's delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.accounts.permissions import can
from layanan.notifications.forms import ORDER_CHOICES, MessageLogForm, PreferenceForm
from layanan.notifications.models import Message
from layanan.notifications.selectors import message_log
from layanan.notifications.services import contact_preference_update, preference_of

PAGE_SIZE = 50


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    has_email = bool(user.email)
    current = preference_of(user)
    order = ",".join(current.order)
    initial = {
        "order": order if order in dict(ORDER_CHOICES) else ORDER_CHOICES[0][0],
        "whatsapp": current.whatsapp,
        "sms": current.sms,
        "email": current.email and has_email,
        "optional_messages": current.optional_messages,
    }
    if request.method == "POST":
        form = PreferenceForm(request.POST, initial=initial, has_email=has_email)
        if form.is_valid():
            data = form.cleaned_data
            contact_preference_update(
                user=user,
                order=data["order"].split(","),
                whatsapp=data["whatsapp"],
                sms=data["sms"],
                email=data["email"],
                optional_messages=data["optional_messages"],
            )
            messages.success(request, _("Pilihan pemberitahuan Anda disimpan."))
            return redirect("notifications:preferences")
    else:
        form = PreferenceForm(initial=initial, has_email=has_email)
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    """The delivery log. Searching by phone number is a POST: personal data never goes in a URL."""
    if not can(request.user, "message.log.read"):
        raise PermissionDenied
    if request.method == "POST":
        data = request.POST.copy()
    else:
        data = request.GET.copy()
        data.pop("phone", None)
    data.pop("csrfmiddlewaretoken", None)
    form = MessageLogForm(data)
    rows: list[Message] = []
    older: dict[str, str] | None = None
    if form.is_valid():
        filters: dict[str, Any] = {k: v for k, v in form.cleaned_data.items() if k != "before"}
        found = message_log(actor=request.user, **filters)
        before = form.cleaned_data.get("before")
        if before:
            found = found.filter(pk__lt=before)
        rows = list(found[: PAGE_SIZE + 1])
        if len(rows) > PAGE_SIZE:
            rows = rows[:PAGE_SIZE]
            older = {key: str(value) for key, value in data.items() if key != "before" and value}
            older["before"] = str(rows[-1].pk)
    filtering = any(value for key, value in data.items() if key != "before")
    context = {"form": form, "rows": rows, "older": older, "filtering": filtering}
    return render(request, "notifications/message_list.html", context)
