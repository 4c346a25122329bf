from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "layanan.core"
    label = "core"

    def ready(self) -> None:
        from layanan.core import checks, pagecache

        connection_created.connect(checks.sqlite_make_private, dispatch_uid="core_sqlite_private")
        pagecache.topics_connect()  # cached public pages go stale when what they show changes
