"""``{% survey_invitation subject %}``: the "fill in the survey" notice on a citizen's own case page.

Add ``{% load survey %}{% survey_invitation application %}`` (or ``report``) to the
applications/complaints detail templates: it shows the link only to the
respondent, while the invitation is open, and renders nothing otherwise.
"""

from __future__ import annotations

from typing import Any

from django import template

from layanan.survey.selectors import open_invitation_for

register = template.Library()


@register.inclusion_tag("survey/_invitation.html", takes_context=True)
def survey_invitation(context: Any, subject: object) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "user", None) if request is not None else context.get("user")
    return {"invitation": open_invitation_for(actor=actor, subject=subject) if actor is not None else None}
