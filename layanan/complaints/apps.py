from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "layanan.complaints"
    label = "complaints"
