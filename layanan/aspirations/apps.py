"""Aspirations into planning (Musrenbang): usulan per desa, their support, and what became of them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    name = "layanan.aspirations"
    label = "aspirations"
    verbose_name = _("Usulan Musrenbang")

    def ready(self) -> None:
        from layanan.aspirations import events

        events.connect()
