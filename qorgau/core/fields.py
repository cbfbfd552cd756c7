"""Model fields whose values are encrypted in the database (see core.crypto)."""

from __future__ import annotations

from typing import Any

from django.db import models

from qorgau.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; empty stays empty so optional fields cost nothing.

    Encrypted values cannot be filtered or ordered on: look-ups go through a blind index.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(str(value))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)
