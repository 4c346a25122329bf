"""What the applicant must fix, for the citizen's pages: ``{% load revisions %}``.

- ``{% revision_box application as box %}`` on the detail page: every flagged answer and file with
  its reason and a link to where it is fixed, the officer's message, and whether it may be sent
  again;
- ``{% revision_reasons application as reasons %}`` then ``{{ reasons|reason_for:field.name }}``
  on a step of the form: the reason beside each flagged answer still to fix.

Only for a case in revision; nothing otherwise. The applicant's own pages call these (the views
check who may see the application).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.urls import reverse

from layanan.applications.flow import Flow
from layanan.applications.models import Application, RequirementCheck, Status
from layanan.applications.services.review import open_answer_flags
from layanan.catalogue.models import Requirement

register = template.Library()

FROM_REVIEW = "periksa"  # the form's step returns to the review page after saving (views.FROM_REVIEW)


@dataclass(frozen=True)
class Fix:
    """One item the officer asked to fix: an answer of the form or a requirement (a file)."""

    label: str
    reason: str
    url: str
    is_answer: bool
    fixed: bool = False


@dataclass
class RevisionBox:
    answers: list[Fix] = field(default_factory=list)
    files: list[Fix] = field(default_factory=list)
    message: str = ""

    @property
    def items(self) -> list[Fix]:
        return [*self.answers, *self.files]

    @property
    def to_fix(self) -> list[Fix]:
        return [item for item in self.items if not item.fixed]

    @property
    def ready(self) -> bool:
        """Everything asked for was fixed: the applicant may send it again."""
        return not self.to_fix


def _step_url(flow: Flow, name: str) -> str:
    number = flow.step_of_field(name)
    if number is None or flow.step(number) is None:
        return ""
    return f"{flow.step_url(number)}?dari={FROM_REVIEW}#id_{name}"


def _file_url(flow: Flow, check: RequirementCheck) -> str:
    requirement = check.requirement
    if requirement.kind == Requirement.Kind.FIELD and requirement.field_name:
        return _step_url(flow, requirement.field_name)
    url = reverse("applications:requirements", args=[flow.application.public_id])
    return f"{url}#syarat-{requirement.code}"


@register.simple_tag
def revision_box(application: Application) -> RevisionBox | None:
    if application.status != Status.REVISION:
        return None
    flow = Flow.of(application)
    labels = {definition.name: definition.t.label for definition in flow.all_definitions}
    box = RevisionBox(message=application.revision_message)
    for flag in open_answer_flags(application):
        box.answers.append(
            Fix(
                label=labels.get(flag.field_name, flag.field_name),
                reason=flag.reason,
                url=_step_url(flow, flag.field_name),
                is_answer=True,
                fixed=flag.fixed_at is not None,
            )
        )
    for check in (
        application.checks.select_related("requirement")
        .filter(verdict=RequirementCheck.Verdict.REVISION)
        .order_by("requirement__order", "pk")
    ):
        box.files.append(
            Fix(
                label=check.requirement.t.name,
                reason=check.reason,
                url=_file_url(flow, check),
                is_answer=check.requirement.kind == Requirement.Kind.FIELD,
            )
        )
    return box


@register.simple_tag
def revision_reasons(application: Application) -> dict[str, str]:
    """Field name → the officer's reason, for the answers still to fix."""
    if application.status != Status.REVISION:
        return {}
    return {flag.field_name: flag.reason for flag in open_answer_flags(application) if flag.fixed_at is None}


@register.filter
def reason_for(reasons: dict[str, str], name: Any) -> str:
    return reasons.get(str(name), "") if reasons else ""
