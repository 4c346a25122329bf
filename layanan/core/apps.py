from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "layanan.core"
    label = "core"

    def ready(self) -> None:
        from layanan.core import checks

        connection_created.connect(checks.sqlite_make_private, dispatch_uid="core_sqlite_private")
