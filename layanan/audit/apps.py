from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _reinstall_guard(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from layanan.audit import guard

    guard.install(connections[using])


class AuditConfig(AppConfig):
    name = "layanan.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        # SQLite drops a table's triggers whenever a migration rebuilds the table:
        # put the append-only guard back after every migrate.
        post_migrate.connect(_reinstall_guard, sender=self, dispatch_uid="audit_reinstall_guard")
