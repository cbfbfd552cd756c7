"""Nothing but the sign-in pages for a session that still owes its second factor (rule 5)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from qorgau.staff.second_factor import awaits_second_factor

# Paths open to such a session: signing in (the code, enrolment), out, static files, language.
OPEN_PREFIXES = ("/login/", "/logout/", "/static/", "/i18n/")


class SecondFactorMiddleware:
    """Pages redirect to the code page; the API treats the session as signed out (401), while
    bearer tokens authenticate on their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if awaits_second_factor(request) and not request.path.startswith(OPEN_PREFIXES):
            if not request.path.startswith("/api/"):
                return redirect_to_login(request.get_full_path(), "staff:second_factor")
            request.user = AnonymousUser()
        return self.get_response(request)
