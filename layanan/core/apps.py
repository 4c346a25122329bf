from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "layanan.core"
    label = "core"
