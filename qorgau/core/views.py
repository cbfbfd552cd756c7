"""Views that belong to no context: the page shown when a form's CSRF check fails."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qorgau.core.errors import Forbidden


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: Django's English page replaced by one in the user's language,
    with the same words the API answers (staff/auth.py)."""
    message = _("The page's security token is missing or out of date. Reload the page.")
    return render(request, "error.html", {"message": message}, status=Forbidden.status)
