from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "layanan.privacy"
    label = "privacy"
    verbose_name = "Pelindungan data pribadi"

    def ready(self) -> None:
        from layanan.privacy import hooks

        hooks.connect()
