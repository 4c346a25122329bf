"""The pages of an application's form: which question groups are shown, in which order, and where next.

A :class:`Flow` is built from the service's form fields and the answers so far
(a field shown only for some answers may hide or show a whole step), and gives
the URLs of the citizen's path: the steps, then the requirements (when the
service has any besides form fields), then the review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from layanan.applications.forms import field_is_shown, shown_when_of
from layanan.applications.models import Application
from layanan.catalogue.models import FormField, Requirement
from layanan.regions.models import Region


@dataclass
class Step:
    number: int
    title: str
    definitions: list[FormField]


@dataclass
class Flow:
    """The pages of one application's form, in order, given the answers so far."""

    application: Application
    steps: list[Step]
    requirements: list[Requirement]
    all_definitions: list[FormField] = field(default_factory=list)

    @classmethod
    def of(cls, application: Application) -> Flow:
        service = application.service
        definitions = list(service.fields.all())
        answers = application.answers
        by_step: dict[int, list[FormField]] = {}
        for definition in definitions:
            by_step.setdefault(definition.step, []).append(definition)
        steps = []
        own_names: dict[int, set[str]] = {n: {d.name for d in ds} for n, ds in by_step.items()}
        for number in sorted(by_step):
            group = by_step[number]
            shown = [
                d
                for d in group
                if field_is_shown(d, answers) or _controlled_on_same_page(d, own_names[number])
            ]
            if shown:
                title = next((d.step_title for d in group if d.step_title), "") or _("Isian")
                steps.append(Step(number=number, title=title, definitions=group))
        requirements = [r for r in service.requirements.all() if r.kind != Requirement.Kind.FIELD]
        return cls(
            application=application, steps=steps, requirements=requirements, all_definitions=definitions
        )

    @property
    def total(self) -> int:
        return len(self.steps) + (1 if self.requirements else 0)

    def step(self, number: int) -> Step | None:
        return next((s for s in self.steps if s.number == number), None)

    def position(self, number: int) -> int:
        return next(i for i, s in enumerate(self.steps, start=1) if s.number == number)

    def step_url(self, number: int) -> str:
        return reverse("applications:step", args=[self.application.public_id, number])

    def first_url(self) -> str:
        if self.steps:
            return self.step_url(self.steps[0].number)
        return self.after_steps_url()

    def after_steps_url(self) -> str:
        name = "applications:requirements" if self.requirements else "applications:review"
        return reverse(name, args=[self.application.public_id])

    def next_url(self, number: int) -> str:
        later = [s for s in self.steps if s.number > number]
        return self.step_url(later[0].number) if later else self.after_steps_url()

    def previous_url(self, number: int) -> str | None:
        earlier = [s for s in self.steps if s.number < number]
        return self.step_url(earlier[-1].number) if earlier else None

    def step_of_field(self, name: str) -> int | None:
        return next((d.step for d in self.all_definitions if d.name == name), None)


def _controlled_on_same_page(definition: FormField, names_on_page: set[str]) -> bool:
    condition = shown_when_of(definition)
    return condition is not None and condition[0] in names_on_page


def answer_display(definition: FormField, value: Any) -> str:
    """An answer as the citizen reads it on the review page."""
    if value in (None, ""):
        return ""
    if definition.kind == FormField.Kind.VILLAGE:
        region = Region.objects.select_related("parent").filter(code=value).first()
        if region is None:
            return str(value)
        district = region.parent.name if region.parent else ""
        return f"{region.name}, {_('Kecamatan')} {district}" if district else region.name
    if definition.kind == FormField.Kind.DATE:
        try:
            return date_format(date.fromisoformat(str(value)), "j F Y")
        except ValueError:
            return str(value)
    if definition.kind == FormField.Kind.PHONE:
        return "0" + str(value).removeprefix("+62")
    return str(value)
