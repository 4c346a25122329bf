from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "layanan.complaints"
    label = "complaints"

    def ready(self) -> None:
        from layanan.complaints import disclosure, permission_checks  # models are ready only now

        permission_checks.register()
        disclosure.register()
