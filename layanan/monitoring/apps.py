"""Dashboards, summary tables, exports and the public transparency page."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "layanan.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from layanan.monitoring import signals

        signals.connect()
