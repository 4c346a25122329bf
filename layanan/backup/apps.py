from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "layanan.backup"
    label = "backup"
    verbose_name = "Cadangan"
