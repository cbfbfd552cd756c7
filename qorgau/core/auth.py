"""API authentication: bearer tokens for integrations, the session (with CSRF) for pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from qorgau.staff.actions import token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class StaffSessionAuth(SessionAuth):
    """The signed-in page user; CSRF is checked for unsafe methods."""


API_AUTH = [TokenAuth(), StaffSessionAuth()]
