from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "layanan.api"
    label = "api"
    verbose_name = _("API terbuka")
    default_auto_field = "django.db.models.BigAutoField"
