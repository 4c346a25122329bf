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

from layanan.applications.models import Application, RequirementCheck
from layanan.catalogue.form_pages import FormPages, FormStep, field_is_shown, form_pages
from layanan.catalogue.models import FormField, Requirement
from layanan.regions.models import Region

Step = FormStep


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
        pages = form_pages(
            fields=definitions, requirements=service.requirements.all(), answers=application.answers
        )
        return cls(
            application=application,
            steps=pages.steps,
            requirements=pages.requirements,
            all_definitions=definitions,
        )

    @property
    def total(self) -> int:
        """The number of pages, counted as the service page counts them (``catalogue.form_pages``)."""
        return FormPages(steps=self.steps, requirements=self.requirements).total

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

    def step_is_complete(self, step: Step) -> bool:
        """Every required question of ``step`` that applies has an answer."""
        answers = self.application.answers
        return all(
            answers.get(d.name) not in (None, "")
            for d in step.definitions
            if d.required and field_is_shown(d, answers)
        )

    def resume_url(self) -> str:
        """Where a person who left the form continues: the first step not yet complete.

        A step counts as done once it was saved (``current_step`` moved past it)
        with every required answer; a step of optional questions the person never
        reached is not skipped. With every step done: the requirements while one
        is still missing, else the review.
        """
        reached = self.application.current_step
        for current in self.steps:
            if current.number >= reached or not self.step_is_complete(current):
                return self.step_url(current.number)
        if self.requirements and self._requirement_missing():
            return reverse("applications:requirements", args=[self.application.public_id])
        return reverse("applications:review", args=[self.application.public_id])

    def _requirement_missing(self) -> bool:
        provided = {
            check.requirement_id
            for check in self.application.checks.all()
            if check.provision != RequirementCheck.Provision.MISSING
        }
        return any(r.required and r.pk not in provided for r in self.requirements)

    def step_of_field(self, name: str) -> int | None:
        return next((d.step for d in self.all_definitions if d.name == name), None)


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
