"""The sign-up page's desa select, written in Python (GroupedSelect), is Django's Select to the byte."""

from __future__ import annotations

import pytest
from django import forms

from layanan.accounts.forms import GroupedSelect, HomeRegionForm, RegisterForm

CHOICES = [
    ("", "Pilih desa/kelurahan"),
    ("Kotabumi", [("18.03.01.2001", "Kotabumi Ilir"), ("18.03.01.2002", 'Desa "Baru" & <Lama>')]),
    ("Abung Selatan", [("18.03.02.2001", "Kalibalangan")]),
]


@pytest.mark.parametrize("value", [None, "", "18.03.01.2002", "18.03.02.2001", "tidak-ada"])
@pytest.mark.parametrize(
    "attrs", [None, {"aria-describedby": "x-hint x-error", "aria-invalid": "true", "required": True}]
)
def test_the_grouped_select_writes_what_djangos_select_writes(value, attrs):
    ours = GroupedSelect(attrs={"class": "input", "disabled": False}, choices=CHOICES)
    django = forms.Select(attrs={"class": "input", "disabled": False}, choices=CHOICES)
    assert ours.render("home_region", value, attrs) == django.render("home_region", value, attrs)


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [RegisterForm, HomeRegionForm])
def test_the_home_region_field_renders_as_djangos_select_would(world, form_class):
    form = form_class(data={"home_region": "18.03.02.2001"})
    field = form["home_region"]
    stock = forms.Select(attrs=field.field.widget.attrs, choices=field.field.choices)
    assert str(field) == field.as_widget(widget=stock)
    assert "<optgroup" in str(field)
