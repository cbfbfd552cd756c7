"""Request-level guards that must run before any view reads the body."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _refuse(request: HttpRequest, status: int, message: StrOrPromise) -> HttpResponse:
    translation.activate(translation.get_language_from_request(request))
    return JsonResponse({"detail": str(message), "fields": {}}, status=status)


class BodySizeLimitMiddleware:
    """Refuse bodies over settings.MAX_BODY_BYTES with 413 before they are read (issue 2 #10)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_BODY_BYTES:
            return _refuse(request, 413, _("The request body is larger than 1 MB."))
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return _refuse(request, 400, _("Text must not contain NUL characters."))
        return self.get_response(request)


class ApplicationErrorMiddleware:
    """Pages: a domain error raised in a view becomes a page with its status (403, 404, …)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from qorgau.core.errors import ApplicationError

        if not isinstance(exception, ApplicationError):
            return None
        return render(
            request, "error.html", {"message": exception.message}, status=exception.status
        )
