from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "layanan.offline"
    label = "offline"
