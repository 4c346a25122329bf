"""Model fields that keep personal data encrypted in the database."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models import lookups
from django.utils.translation import gettext_lazy as _

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


class EncryptedDateField(EncryptedTextField):
    """A date stored sealed (as ISO text inside the seal); reads back as a :class:`datetime.date`.

    Like every encrypted field it cannot be filtered, ordered or aggregated by
    value: derive what a report needs (an age group, a year) when writing.
    """

    description = "Date encrypted at rest"
    _pyi_private_set_type: datetime.date | str | None  # type: ignore[assignment]  # a date, not text
    _pyi_private_get_type: datetime.date | None  # type: ignore[assignment]

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        opened = super().from_db_value(value, expression, connection)
        return self._to_date(opened)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        return self._to_date(super().to_python(value))

    def get_prep_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, str) and value:
            value = self._checked_iso(value)
        return super().get_prep_value(value)

    def value_from_object(self, obj: models.Model) -> Any:
        # ISO text, not a date: serializers pass a date through as it is (in clear) but send
        # text through value_to_string, which seals it. Forms read ISO text as well.
        value = super().value_from_object(obj)
        return value.isoformat() if isinstance(value, datetime.date) else value

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return super(models.TextField, self).formfield(**{"form_class": forms.DateField, **kwargs})

    @staticmethod
    def _checked_iso(value: str) -> str:
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError(_("Tanggal tidak sah."), code="invalid_date") from None

    @classmethod
    def _to_date(cls, value: Any) -> datetime.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(cls._checked_iso(str(value)))
