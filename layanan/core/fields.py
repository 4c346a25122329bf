"""Model fields that keep personal data encrypted in the database."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups

from layanan.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored sealed with :mod:`layanan.core.crypto`, bound to its column.

    Not searchable and not orderable by design: pair it with a
    ``blind_index`` column for exact lookups. The only lookups allowed are
    ``isnull`` and ``exact`` against the empty string ("has no value"); any
    other filter raises ``FieldError`` instead of silently matching nothing.

    Serialisation (``dumpdata``) writes the sealed value, and loading it back
    opens it again, so a fixture file holds no personal data in clear either.
    """

    description = "Text encrypted at rest"

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        self._context = f"{cls._meta.app_label}.{cls._meta.model_name}.{name}"

    @property
    def context(self) -> str:
        """The associated data every value of this column is bound to."""
        return self._context

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self._context)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self._context)

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        if isinstance(value, str) and value.startswith(crypto.PREFIX + ":"):
            try:
                return crypto.decrypt(value, context=self._context)
            except crypto.DecryptionError:
                return value
        return value

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        if not value:
            return ""
        return crypto.encrypt(str(value), context=self._context)

    def get_lookup(self, lookup_name: str) -> type[lookups.Lookup[Any]] | None:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None


class _EmptyOnlyExact(lookups.Exact):
    """``field=""`` works; ``field="1803..."`` would compare ciphertexts and never match."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise FieldError(
                "An encrypted field cannot be filtered by value; "
                "look it up through its blind index column instead."
            )
        return super().get_prep_lookup()
