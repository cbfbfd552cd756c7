"""One hierarchy of domain errors (HackSoft styleguide); the API and the pages map them to
HTTP answers, so an action never needs to know who called it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TOO_LARGE = "too_large"  # the code of a 413, answered before any handler runs


class ApplicationError(Exception):
    """A domain rule refused the operation; `message` is shown to the user, `code` (stable,
    machine-readable, listed in docs/api-errors.md) tells a client which rule it was. A class
    gives the code of its status; a raise site names its own where one status has several
    meanings (two different 409s)."""

    status = 400
    code = "error"
    default_message = _("The request could not be carried out.")  # when the raise gives none

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: dict[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        self.message = str(message) if message is not None else str(self.default_message)
        self.fields = fields or {}
        self.code = code or self.code
        super().__init__(self.message)


class NotFound(ApplicationError):
    """Also used for what exists but the user may not see: no existence leak."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Forbidden(ApplicationError):
    status = 403
    code = "forbidden"
    default_message = _("Your role does not allow this.")


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class FieldErrors(ApplicationError):
    """Invalid input: one message per field, answered with 422."""

    status = 422
    code = "invalid"
    default_message = _("Some fields are not valid.")


class Throttled(ApplicationError):
    status = 429
    code = "throttled"
    default_message = _("Too many attempts. Please try again later.")
