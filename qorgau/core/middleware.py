"""Request-level guards that must run before any view reads the body."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from qorgau.core.errors import TOO_LARGE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _refuse(request: HttpRequest, status: int, code: str, message: StrOrPromise) -> HttpResponse:
    translation.activate(translation.get_language_from_request(request))
    return JsonResponse({"code": code, "detail": str(message), "fields": {}}, status=status)


def _refuse_page(request: HttpRequest) -> HttpResponse:
    """A public form's body too large: a page in the visitor's language (413), not JSON."""
    from django.shortcuts import render

    translation.activate(translation.get_language_from_request(request))
    message = _("What you sent is too long. Please write a shorter message.")
    return render(request, "error.html", {"message": message}, status=413)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


class BodySizeLimitMiddleware:
    """Refuse bodies over settings.MAX_BODY_BYTES with 413 before they are read;
    settings.BODY_LIMITS names the few paths that take larger uploads, with their own limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limits = [(re.compile(pattern), size) for pattern, size in settings.BODY_LIMITS]
        self.public = [re.compile(pattern) for pattern in settings.PUBLIC_BODY_LIMITS]

    def limit(self, path: str) -> int:
        return next(
            (size for pattern, size in self.limits if pattern.match(path)), settings.MAX_BODY_BYTES
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PUBLIC_BODY_BYTES and any(p.match(request.path) for p in self.public):
            return _refuse_page(request)
        limit = self.limit(request.path)
        if length > limit:
            message = _("The request body is larger than %(size)s MB.")
            return _refuse(request, 413, TOO_LARGE, message % {"size": _megabytes(limit)})
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return _refuse(
                request, 400, "nul_character", _("Text must not contain NUL characters.")
            )
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
