"""Turning pydantic's validation errors into one message per field, in the request's language.

Pydantic writes English; a consultant on a Kazakh screen must read Kazakh. Each error type that
a client can cause has a translated message here; our own validators raise ValueError with an
already translated text, which is passed through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from qorgau.core.errors import FieldErrors
from qorgau.core.schemas import KIND_TAG

SKIP_LOC = {"body", "payload", "query", "path", "filters", "data", "form"}
UNION_TAG_ERRORS = {"union_tag_invalid", "union_tag_not_found"}


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"]).removeprefix("Value error, ")
    messages: dict[str, str] = {
        "missing": _("This field is required."),
        "string_too_short": _("This field must not be empty."),
        "string_type": _("Must be text."),
        "int_parsing": _("Must be a whole number."),
        "int_type": _("Must be a whole number."),
        "int_from_float": _("Must be a whole number."),
        "bool_parsing": _("Must be true or false."),
        "bool_type": _("Must be true or false."),
        "list_type": _("Must be a list."),
        "model_type": _("Must be an object."),
        "dict_type": _("Must be an object."),
        "model_attributes_type": _("Must be an object."),
        "extra_forbidden": _("Unknown field."),
        "json_invalid": _("The body is not valid JSON."),
        "datetime_parsing": _("Must be a date and time, e.g. 2026-03-21T14:30:00+05:00."),
        "datetime_type": _("Must be a date and time, e.g. 2026-03-21T14:30:00+05:00."),
        "datetime_from_date_parsing": _("Must be a date and time, e.g. 2026-03-21T14:30:00+05:00."),
        "date_parsing": _("Must be a date, e.g. 2026-03-21."),
        "date_type": _("Must be a date, e.g. 2026-03-21."),
        "date_from_datetime_parsing": _("Must be a date, e.g. 2026-03-21."),
        "string_unicode": _("Must be text."),
    }
    if kind in messages:
        return messages[kind]
    if kind == "string_too_long":
        return _("At most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "too_long":
        return _("At most %(n)s items.") % {"n": ctx.get("max_length")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(n)s.") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind in ("literal_error", "enum"):
        return _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in UNION_TAG_ERRORS:
        choices = str(ctx.get("expected_tags", "")).replace(KIND_TAG, "")
        return _("Must be one of: %(choices)s.") % {"choices": choices}
    return _("This value is not valid.")


def field_name(loc: Iterable[Any]) -> str:
    """'applicant.iin' from ('body', 'payload', 'applicant', 'iin'); '' for the whole body.
    The tag of a union by kind ('kind=answer') is not a field: 'text' from ('body', 'payload',
    'kind=answer', 'text')."""
    parts = [str(p) for p in loc if not str(p).startswith(KIND_TAG)]
    while parts and parts[0] in SKIP_LOC:
        parts.pop(0)
    return ".".join(parts)


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """One message per field (the first error of each); the whole body's errors under '_', a
    missing or unknown `kind` of a union by kind under 'kind'."""
    result: dict[str, str] = {}
    for error in errors:
        name = "kind" if error.get("type") in UNION_TAG_ERRORS else field_name(error.get("loc", ()))
        result.setdefault(name or "_", _message(error))
    return result


def form_int(data: Mapping[str, str], name: str) -> int | None:
    """A whole number from a page form's field, None when empty; anything else (a word, a
    decimal, a number too big for the database) is a field error in the user's language, as
    the API answers it, never a 500."""
    text = (data.get(name) or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise FieldErrors(fields={name: _("Must be a whole number.")})
    return int(text)
