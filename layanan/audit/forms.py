from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_MAX = 2**63 - 1  # the largest id a database row can have (a larger one overflows the query)


class AuditFilterForm(forms.Form):
    """The filters of the audit page, read from the query string."""

    action = forms.RegexField(
        label=_("Tindakan"),
        regex=r"^[a-z0-9_.]+$",
        max_length=64,
        required=False,
        help_text=_("Misalnya auth.login, atau auth untuk semua tindakan masuk/keluar."),
    )
    actor = forms.IntegerField(label=_("ID pelaku"), min_value=1, max_value=ID_MAX, required=False)
    object_type = forms.RegexField(
        label=_("Jenis objek"),
        regex=r"^[a-z0-9_]+\.[a-z0-9_]+$",
        max_length=100,
        required=False,
        help_text=_("Misalnya accounts.user."),
    )
    object_id = forms.CharField(label=_("ID objek"), max_length=64, required=False)
    since = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "before":
                short = name in {"actor", "object_id", "since", "until"}
                field.widget.attrs.setdefault("class", "input input--short" if short else "input")

    def clean_until(self) -> date | None:
        until: date | None = self.cleaned_data.get("until")
        if until is not None and until >= date.max:
            raise forms.ValidationError(_("Tanggal ini terlalu jauh."))
        return until

    def selector_filters(self) -> dict[str, Any]:
        """The cleaned filters as keyword arguments of ``audit_event_list``; dates are local days."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        since = until = None
        if data.get("since"):
            since = datetime.combine(data["since"], time.min, tzinfo=zone)
        if data.get("until"):
            until = datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=zone)
        return {
            "action": data.get("action") or "",
            "actor_id": data.get("actor"),
            "object_type": data.get("object_type") or "",
            "object_id": data.get("object_id") or "",
            "since": since,
            "until": until,
            "before_id": data.get("before"),
        }
