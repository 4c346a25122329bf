"""Panels that higher apps add to a report's pages, registered from their ``AppConfig.ready()``.

complaints never imports those apps: an app that knows more about a report (the LAPOR! forward
of ``layanan.integrations``) registers a function here, and the reporter's page and the staff
page show what it returns. A panel gets the report, the reader and the ``audience``
(``"reporter"``, ``"coordinator"`` or ``"staff"``), and returns the HTML ``render_to_string``
made of its template (a ``SafeString``; any other text is escaped like every variable), or
``""`` for nothing. It must be cheap: return ``""`` before any query when the report is not one
it cares about.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from layanan.accounts.models import User
from layanan.complaints.models import Report

Audience = Literal["reporter", "coordinator", "staff"]
ReportPanel = Callable[[Report, User, Audience], str]  # render_to_string's SafeString, or ""

REPORT_PANELS: list[ReportPanel] = []


def report_panel_register(panel: ReportPanel) -> None:
    if panel not in REPORT_PANELS:
        REPORT_PANELS.append(panel)


def report_panels(*, report: Report, actor: User, audience: Audience) -> list[str]:
    """What every registered panel shows ``actor`` about ``report`` (empty ones left out)."""
    shown = (panel(report, actor, audience) for panel in REPORT_PANELS)
    return [html for html in shown if html]
