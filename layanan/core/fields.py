"""Model fields that keep personal data encrypted in the database."""

from __future__ import annotations

from typing import Any

from django.db import models

from layanan.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored sealed with :mod:`layanan.core.crypto`, bound to its column.

    Not searchable and not orderable by design: pair it with a
    ``blind_index`` column for exact lookups.
    """

    description = "Text encrypted at rest"

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        self._context = f"{cls._meta.app_label}.{cls._meta.model_name}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self._context)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self._context)
