"""The root API under /api/v1: mounts each app's router and maps errors to answers in the
request's language (never a 500 for anything a client sends)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from qorgau.agency_requests.api.agency import router as agency_side_router
from qorgau.agency_requests.api.staff import router as agency_requests_staff_router
from qorgau.appeals.api import router as appeals_router
from qorgau.calls.api import router as cti_router
from qorgau.calls.api import staff as calls_router
from qorgau.casework.api import router as casework_router
from qorgau.casework.attachments_api import router as attachments_router
from qorgau.conversations.api import router as conversations_router
from qorgau.core.errors import TOO_LARGE, ApplicationError, FieldErrors, Forbidden, NotFound
from qorgau.core.validation import field_errors
from qorgau.knowledge.api import router as kb_router
from qorgau.public.api import router as public_router
from qorgau.staff.auth import API_AUTH

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Qorgau API",
    version="1",
    description="API of the 111 contact centre (rules: docs/rules.md).",
    auth=API_AUTH,
    urls_namespace="api",
    docs=Swagger(),
    docs_url=None,  # served by api_docs below: staff only; the schema itself stays public
)
api.add_router("/appeals", appeals_router)
api.add_router("/public", public_router)
api.add_router("", agency_requests_staff_router)
api.add_router("/agency", agency_side_router)
api.add_router("/cti", cti_router)
api.add_router("", calls_router)
api.add_router("/kb", kb_router)
api.add_router("", casework_router)
api.add_router("", attachments_router)
api.add_router("", conversations_router)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    detail: str,
    fields: dict[str, str] | None = None,
) -> HttpResponse:
    body = {"code": code, "detail": detail, "fields": fields or {}}
    return api.create_response(request, body, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = _("Some fields are not valid.")
    return _error(request, 422, FieldErrors.code, detail, field_errors(exc.errors))


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return _error(request, 403, Forbidden.code, _("Your role does not allow this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, NotFound.code, _("Not found."))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    message = _("The request body is larger than %(size)s MB.")
    return _error(request, 413, TOO_LARGE, message % {"size": "1"})


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # Ninja's "cannot parse request body"
        return _error(request, 400, "invalid_json", _("The body is not valid JSON."))
    return _error(request, exc.status_code, f"http_{exc.status_code}", str(exc))


def _method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a method an endpoint does not take with a bare text 405; answer it with
    the error body like every other error (its Allow header kept)."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        detail = _("This method is not allowed here.")
        refused = _error(request, 405, "method_not_allowed", detail)
        refused["Allow"] = response["Allow"]
        return refused

    return answer


def api_urls() -> tuple[list[URLResolver | URLPattern], str, str]:
    """The API's URL patterns for urls.py, each answering 405 with the error body."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _method_not_allowed(pattern.callback)
    return patterns, app_name, namespace


def _is_staff(user: object) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "role", ""))


@user_passes_test(_is_staff)
def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI at /api/v1/docs for signed-in staff (others are sent to sign in); its script
    and style come from our own static files ('ninja' is an installed app), never a CDN."""
    return api.docs.render_page(request, api)
