from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "layanan.monitoring"
    label = "monitoring"
