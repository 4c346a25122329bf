"""What the server remembers so that a form sent again gets the first answer (docs/offline.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FormReceipt(models.Model):
    """One submit key of a form that saves in place (an application's step or its uploads): who sent
    it, to which page, and where the server sent them then. A repeat of the key gets that answer."""

    key = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=200)
    answer = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.path} ({self.created_at:%Y-%m-%d})"
