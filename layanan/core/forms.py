"""Form pieces that know nothing of any domain: the input attributes and the flexible date field.

Shared by the citizen's forms of every app; anything that needs a domain's data
(the regency's villages, a phone number) lives in the app that owns that data.
"""

from __future__ import annotations

from typing import Any

from django import forms

# The longest reason, note or message a person may write in one step (an officer's reason, a note).
REASON_MAX = 2000
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


def input_attrs(**attrs: str) -> dict[str, str]:
    """A widget's attributes with the house ``input`` class."""
    return {"class": "input", **attrs}


class FlexibleDateField(forms.DateField):
    """``<input type=date>`` where the browser has one; ``17/08/1990`` typed by hand works too."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs=input_attrs(type="date"), format="%Y-%m-%d"))
        super().__init__(**kwargs)
