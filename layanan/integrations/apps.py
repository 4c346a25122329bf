from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "layanan.integrations"
    label = "integrations"
    verbose_name = "Integrasi sistem nasional"

    def ready(self) -> None:
        from layanan.integrations import hooks  # models are ready only now

        hooks.register()
