"""API authentication: bearer tokens for integrations, the session (with CSRF) for pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

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
    """The signed-in page user; CSRF is checked for unsafe methods, but only when the session
    carries a signed-in user: a request with no identity (no cookie, a bad token) answers 401
    in its language, and a session request with a missing or stale CSRF token answers 403,
    translated (not Ninja's English "CSRF check Failed")."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise Forbidden(
                _("The page's security token is missing or out of date. Reload the page."),
                code="csrf_failed",
            )  # the same words as core/views.py: csrf_failure, for pages
        return request.COOKIES.get(self.param_name)


API_AUTH = [TokenAuth(), StaffSessionAuth()]


def request_user(request: HttpRequest) -> User:
    """The signed-in staff user of a request that passed authentication."""
    if not isinstance(request.user, User):
        raise Forbidden()
    return request.user
