from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "layanan.documents"
    label = "documents"
