from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "layanan.applications"
    label = "applications"

    def ready(self) -> None:
        from layanan.applications import permission_checks  # models are ready only now

        permission_checks.register()
