from django.apps import AppConfig


class InboundConfig(AppConfig):
    name = "layanan.inbound"
    label = "inbound"
