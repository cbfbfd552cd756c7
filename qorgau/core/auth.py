"""API authentication: bearer tokens for integrations, the session (with CSRF) for pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from qorgau.core.errors import Forbidden
from qorgau.staff.actions import token_user
from qorgau.staff.models import User


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class StaffSessionAuth(SessionAuth):
    """The signed-in page user; CSRF is checked for unsafe methods."""


API_AUTH = [TokenAuth(), StaffSessionAuth()]


def request_user(request: HttpRequest) -> User:
    """The signed-in staff user of a request that passed authentication."""
    if not isinstance(request.user, User):
        raise Forbidden()
    return request.user
