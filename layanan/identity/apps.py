from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "layanan.identity"
    label = "identity"
