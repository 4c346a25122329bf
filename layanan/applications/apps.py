from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "layanan.applications"
    label = "applications"

    def ready(self) -> None:
        from layanan.applications import letters, permission_checks  # the models are ready only now
        from layanan.documents.services import document_source_register

        document_source_register(letters.KIND, letters.ApplicationLetters())
        permission_checks.register()
