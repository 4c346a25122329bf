from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "layanan.tracking"
    label = "tracking"
