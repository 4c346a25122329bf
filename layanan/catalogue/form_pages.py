"""The pages of a service's form, counted in one place for the service page and the form itself.

The citizen meets one page per step of form fields that applies (a step whose
every field is hidden by ``shown_when`` is skipped), then one page for the
requirements when the service asks for an upload or a paper, then the review.
The service page says "5 langkah" from the same :func:`form_pages` that numbers
"Langkah 1 dari 5" on the form, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from layanan.catalogue.models import FormField, Requirement, Service
from layanan.catalogue.validation import shown_when_parse


def shown_when_of(field: FormField) -> tuple[str, str] | None:
    """The (field name, value) condition of ``field``, or None when it is always shown."""
    try:
        return shown_when_parse(field.shown_when)
    except ValueError:
        return None  # a malformed rule (the admin refuses these) must not hide a question


def field_is_shown(field: FormField, answers: Mapping[str, Any]) -> bool:
    """Whether ``field`` applies, given the answers known so far."""
    condition = shown_when_of(field)
    if condition is None:
        return True
    name, value = condition
    return str(answers.get(name) or "") == value


@dataclass(frozen=True)
class FormStep:
    number: int
    title: str
    definitions: list[FormField]


@dataclass(frozen=True)
class FormPages:
    """The steps that apply, in order, and the requirements that get a page of their own."""

    steps: list[FormStep]
    requirements: list[Requirement]

    @property
    def total(self) -> int:
        """How many pages the citizen fills in (the review is not counted)."""
        return len(self.steps) + (1 if self.requirements else 0)

    def titles(self) -> list[str]:
        """The title of every page, in order."""
        return [step.title for step in self.steps] + ([_("Persyaratan")] if self.requirements else [])


def form_pages(
    *, fields: Iterable[FormField], requirements: Iterable[Requirement], answers: Mapping[str, Any]
) -> FormPages:
    """The pages of a form with ``fields`` and ``requirements``, given the ``answers`` so far."""
    by_step: dict[int, list[FormField]] = {}
    for definition in fields:
        by_step.setdefault(definition.step, []).append(definition)
    steps = []
    for number in sorted(by_step):
        group = by_step[number]
        names = {d.name for d in group}
        if any(field_is_shown(d, answers) or _controlled_on_same_page(d, names) for d in group):
            title = next((d.t.step_title for d in group if d.step_title), "") or _("Isian")
            steps.append(FormStep(number=number, title=title, definitions=group))
    own_page = [r for r in requirements if r.kind != Requirement.Kind.FIELD]
    return FormPages(steps=steps, requirements=own_page)


def service_form_pages(service: Service) -> FormPages:
    """The pages a citizen starting ``service`` meets (no answers yet)."""
    return form_pages(fields=service.fields.all(), requirements=service.requirements.all(), answers={})


def _controlled_on_same_page(definition: FormField, names_on_page: set[str]) -> bool:
    condition = shown_when_of(definition)
    return condition is not None and condition[0] in names_on_page
