from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "layanan.agencies"
    label = "agencies"
