"""The 14 components of a standar pelayanan, listed once.

UU 25/2009 Pasal 21 names the components; PermenPANRB 15/2014 puts them in two
groups, in this order: six of *penyampaian pelayanan* (how the service reaches
the citizen) and eight of *pengelolaan pelayanan* (how it is run). Each
component is a text field of :class:`~layanan.catalogue.models.Service` with
the same name, and its label is that field's verbose name, so the admin, the
public service page, the seed file and the test builders all take the names,
the order and the labels from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Field
from django.utils.text import capfirst

from layanan.catalogue.models import Service


class Group(StrEnum):
    DELIVERY = "penyampaian"
    MANAGEMENT = "pengelolaan"


@dataclass(frozen=True)
class Component:
    number: int  # 1 to 14, as the standar numbers them
    name: str  # the Service field that holds its text
    group: Group

    @property
    def label(self) -> str:
        """The component's name as the model spells it, capitalised, in the active language."""
        field = Service._meta.get_field(self.name)
        assert isinstance(field, Field)
        return capfirst(str(field.verbose_name))


COMPONENTS: tuple[Component, ...] = tuple(
    Component(number=number, name=name, group=group)
    for number, (name, group) in enumerate(
        (
            ("persyaratan", Group.DELIVERY),
            ("prosedur", Group.DELIVERY),
            ("jangka_waktu", Group.DELIVERY),
            ("biaya", Group.DELIVERY),
            ("produk", Group.DELIVERY),
            ("pengaduan", Group.DELIVERY),
            ("dasar_hukum", Group.MANAGEMENT),
            ("sarana", Group.MANAGEMENT),
            ("kompetensi", Group.MANAGEMENT),
            ("pengawasan", Group.MANAGEMENT),
            ("jumlah_pelaksana", Group.MANAGEMENT),
            ("jaminan_pelayanan", Group.MANAGEMENT),
            ("jaminan_keamanan", Group.MANAGEMENT),
            ("evaluasi", Group.MANAGEMENT),
        ),
        start=1,
    )
)
# The field names, in order: all of them, and those of each group.
NAMES: tuple[str, ...] = tuple(component.name for component in COMPONENTS)
DELIVERY: tuple[str, ...] = tuple(c.name for c in COMPONENTS if c.group is Group.DELIVERY)
MANAGEMENT: tuple[str, ...] = tuple(c.name for c in COMPONENTS if c.group is Group.MANAGEMENT)
