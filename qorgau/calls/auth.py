"""Phone systems authenticate with a bearer token of their own (only its digest is stored)."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from qorgau.calls.models import PhoneSystem
from qorgau.core.crypto import secret_digest

PURPOSE = "phone-system"


class PhoneSystemAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return PhoneSystem.objects.filter(
            token_digest=secret_digest(PURPOSE, token), active=True
        ).first()


def phone_system_register(*, name: str) -> tuple[PhoneSystem, str]:
    """A new phone system and its token (shown once)."""
    token = "pbx_" + secrets.token_urlsafe(32)
    system = PhoneSystem.objects.create(name=name, token_digest=secret_digest(PURPOSE, token))
    return system, token
