"""The root API under /api/v1: mounts each app's router and maps errors to answers in the
request's language (never a 500 for anything a client sends)."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from qorgau.appeals.api import router as appeals_router
from qorgau.appeals.public_api import router as public_router
from qorgau.calls.api import router as cti_router
from qorgau.calls.api import staff as calls_router
from qorgau.core.auth import API_AUTH
from qorgau.core.errors import ApplicationError
from qorgau.core.validation import field_errors
from qorgau.interaction.agency_api import router as agency_router
from qorgau.interaction.api import router as interaction_router
from qorgau.knowledge.api import router as kb_router

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Qorgau API",
    version="1",
    description="API of the 111 contact centre (rules: ../shared/RULES.md).",
    auth=API_AUTH,
    urls_namespace="api",
    docs=Swagger(),
    docs_url=None,  # served by api_docs below: staff only; the schema itself stays public
)
api.add_router("/appeals", appeals_router)
api.add_router("/public", public_router)
api.add_router("", interaction_router)
api.add_router("/agency", agency_router)
api.add_router("/cti", cti_router)
api.add_router("", calls_router)
api.add_router("/kb", kb_router)


def _error(
    request: HttpRequest, status: int, detail: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "fields": fields or {}}, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error(request, exc.status, exc.message, exc.fields)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, _("Some fields are not valid."), field_errors(exc.errors))


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Sign in or send a valid API token."))


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return _error(request, 403, _("Your role does not allow this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    message = _("The request body is larger than %(size)s MB.")
    return _error(request, 413, message % {"size": "1"})


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # Ninja's "cannot parse request body"
        return _error(request, 400, _("The body is not valid JSON."))
    return _error(request, exc.status_code, str(exc))


def _is_staff(user: object) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "role", ""))


@user_passes_test(_is_staff)
def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI at /api/v1/docs for signed-in staff (others are sent to sign in); its script
    and style come from our own static files ('ninja' is an installed app), never a CDN."""
    return api.docs.render_page(request, api)
