"""Where to get help: service points (offices, free-internet points) and the offices' announcements."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicePointsConfig(AppConfig):
    name = "layanan.servicepoints"
    label = "servicepoints"
    verbose_name = _("Tempat layanan dan pengumuman")
