"""Phone systems authenticate with a bearer token of their own (only its digest is stored)."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from qorgau.calls.models import PhoneSystem
from qorgau.core.crypto import secret_digest

PURPOSE = "phone-system"
# Raw SQL: every CTI event is authenticated, and the ORM's query building cost more than the
# look-up itself.
SYSTEM_BY_DIGEST = "SELECT * FROM calls_phonesystem WHERE token_digest = %s AND active"


class PhoneSystemAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        digest = secret_digest(PURPOSE, token)
        return next(iter(PhoneSystem.objects.raw(SYSTEM_BY_DIGEST, [digest])), None)


def phone_system_register(*, name: str) -> tuple[PhoneSystem, str]:
    """The phone system of this name (created if new, made active) with a new token, shown
    once; an earlier token of the system stops working."""
    token = "pbx_" + secrets.token_urlsafe(32)
    system, _created = PhoneSystem.objects.update_or_create(
        name=name, defaults={"token_digest": secret_digest(PURPOSE, token), "active": True}
    )
    return system, token
