"""The questionnaire (9 questions, optional profile and suggestion) and the report's period chooser."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Office
from layanan.survey.models import PROFILE_FIELDS, AgeGroup, Education, Occupation, Sex
from layanan.survey.platform_question import PLATFORM_EASE
from layanan.survey.services import SUGGESTION_MAX
from layanan.survey.unsur import UNSUR, Unsur

PROFILE_LABELS = {
    "age_group": _("Usia"),
    "sex": _("Jenis kelamin"),
    "education": _("Pendidikan terakhir"),
    "occupation": _("Pekerjaan"),
}


class QuestionnaireForm(forms.Form):
    suggestion = forms.CharField(
        label=_("Saran atau masukan (tidak wajib)"),
        required=False,
        max_length=SUGGESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "input"}),
        error_messages={"max_length": _("Saran paling banyak %(limit_value)d huruf.")},
    )
    age_group = forms.ChoiceField(required=False, choices=[("", "—"), *AgeGroup.choices])
    sex = forms.ChoiceField(required=False, choices=[("", "—"), *Sex.choices])
    education = forms.ChoiceField(required=False, choices=[("", "—"), *Education.choices])
    occupation = forms.ChoiceField(required=False, choices=[("", "—"), *Occupation.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for unsur in UNSUR:
            # The label names the question by number and topic, so each message (and the error
            # summary) says which one; the page shows the question itself as the legend.
            named = gettext("Pertanyaan %(number)s (%(name)s)") % {"number": unsur.number, "name": unsur.name}
            message = gettext("%(question)s: pilih salah satu jawaban.") % {"question": named}
            self.fields[unsur.field] = forms.TypedChoiceField(
                label=named,
                choices=[(str(value), answer) for value, answer in enumerate(unsur.answers, start=1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
        # Optional and apart from the 9 unsur: about the platform, never counted in the IKM.
        self.fields[PLATFORM_EASE.field] = forms.TypedChoiceField(
            label=PLATFORM_EASE.question,
            choices=[(str(value), answer) for value, answer in enumerate(PLATFORM_EASE.answers, start=1)],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Pilih salah satu jawaban, atau biarkan kosong.")},
        )
        for name in PROFILE_FIELDS:
            field = self.fields[name]
            field.label = PROFILE_LABELS[name]
            field.error_messages["invalid_choice"] = _("Pilihan ini tidak dikenal. Pilih dari daftar.")
            field.widget.attrs["class"] = "input"
        order = [u.field for u in UNSUR] + ["suggestion", PLATFORM_EASE.field, *PROFILE_FIELDS]
        self.order_fields(order)

    def questions(self) -> list[tuple[Unsur, forms.BoundField]]:
        return [(unsur, self[unsur.field]) for unsur in UNSUR]

    def platform_field(self) -> forms.BoundField:
        return self[PLATFORM_EASE.field]

    def platform_ease(self) -> int | None:
        value = self.cleaned_data.get(PLATFORM_EASE.field)
        return int(value) if value else None

    def profile_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PROFILE_FIELDS]

    def scores(self) -> list[int]:
        return [int(self.cleaned_data[unsur.field]) for unsur in UNSUR]

    def profile(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in PROFILE_FIELDS}


PARTS: list[tuple[str, Any]] = [
    ("", _("Satu tahun penuh")),
    ("s1", _("Semester I (Januari-Juni)")),
    ("s2", _("Semester II (Juli-Desember)")),
    ("t1", _("Triwulan I (Januari-Maret)")),
    ("t2", _("Triwulan II (April-Juni)")),
    ("t3", _("Triwulan III (Juli-September)")),
    ("t4", _("Triwulan IV (Oktober-Desember)")),
]
_MONTHS = {"": (1, 12), "s1": (1, 6), "s2": (7, 12), "t1": (1, 3), "t2": (4, 6), "t3": (7, 9), "t4": (10, 12)}


def period_bounds(year: int, part: str) -> tuple[date, date]:
    first, last = _MONTHS[part]
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return date(year, first, 1), date.fromordinal(end.toordinal() - 1)


class ReportFilterForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Kantor"),
        queryset=Office.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— semua kantor (ringkasan) —"),
        widget=forms.Select(attrs={"class": "input"}),
        error_messages={"invalid_choice": _("Kantor ini tidak dapat Anda pilih.")},
    )
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int, widget=forms.Select(attrs={"class": "input"}))
    part = forms.ChoiceField(
        label=_("Periode"), choices=PARTS, required=False, widget=forms.Select(attrs={"class": "input"})
    )

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office_field = self.fields["office"]
        assert isinstance(office_field, forms.ModelChoiceField)
        office_field.queryset = offices
        this_year = timezone.localdate().year
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(str(y), str(y)) for y in range(this_year, this_year - 6, -1)]
        year_field.error_messages["invalid_choice"] = _("Pilih tahun dari daftar.")
        self.fields["year"].initial = str(this_year)

    def bounds(self) -> tuple[date, date]:
        return period_bounds(int(self.cleaned_data["year"]), self.cleaned_data.get("part") or "")
