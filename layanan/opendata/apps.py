"""Open data: aggregate data sets (CSV, JSON) and their DCAT catalogue, from the summary tables."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "layanan.opendata"
    label = "opendata"
    verbose_name = _("Data terbuka")

    def ready(self) -> None:
        from layanan.opendata import datasets  # noqa: F401  # registers the data sets (models are loaded now)
