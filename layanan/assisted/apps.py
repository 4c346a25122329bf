from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistedConfig(AppConfig):
    name = "layanan.assisted"
    verbose_name = _("Layanan dibantu operator")
    default_auto_field = "django.db.models.BigAutoField"
