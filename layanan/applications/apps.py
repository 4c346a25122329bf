from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "layanan.applications"
    label = "applications"

    def ready(self) -> None:
        from layanan.applications import letters  # needs the models: only once the apps are loaded
        from layanan.documents.services import document_source_register

        document_source_register(letters.KIND, letters.ApplicationLetters())
