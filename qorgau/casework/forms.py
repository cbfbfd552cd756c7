"""Forms of case work, validated in the user's language: a posted page form becomes the API's
input (schemas.py), so the page and the API refuse the same things the same way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from django.http import QueryDict
from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from qorgau.casework.schemas import CancelIn, CompleteIn, FollowUpIn, NoteIn, ReassignIn
from qorgau.core.errors import FieldErrors
from qorgau.core.kztime import KZ_TZ
from qorgau.core.validation import field_errors, form_int

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends
DEFAULT_LEAD = timedelta(hours=1)
S = TypeVar("S", bound=BaseModel)


def _valid(schema: type[S], data: dict[str, object]) -> S:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise FieldErrors(fields=field_errors(exc.errors())) from exc


def local_input(moment: datetime) -> str:
    """An aware moment as the value of a datetime-local field, in Kazakhstan time."""
    return moment.astimezone(KZ_TZ).strftime(LOCAL_FORMAT)


def default_due(now: datetime) -> str:
    """The proposed due time: in an hour, rounded up to the next five minutes (a time people
    say: 15:05, not 15:03)."""
    later = now + DEFAULT_LEAD
    floor = later.replace(minute=later.minute - later.minute % 5, second=0, microsecond=0)
    return local_input(floor + timedelta(minutes=5))


def _local_moment(value: str) -> datetime:
    try:
        return datetime.strptime(value.strip(), LOCAL_FORMAT).replace(tzinfo=KZ_TZ)
    except ValueError:
        raise FieldErrors(fields={"due_at": _("Give the date and time it is due.")}) from None


def note_form(post: QueryDict) -> NoteIn:
    return _valid(NoteIn, {"text": post.get("text", "")})


def followup_form(post: QueryDict) -> FollowUpIn:
    data: dict[str, object] = {
        "kind": post.get("kind", ""),
        "what": post.get("what", ""),
        "due_at": _local_moment(post.get("due_at", "")),
        "assignee": form_int(post, "assignee"),
    }
    return _valid(FollowUpIn, data)


def complete_form(post: QueryDict) -> CompleteIn:
    return _valid(CompleteIn, {"result": post.get("result", "")})


def cancel_form(post: QueryDict) -> CancelIn:
    return _valid(CancelIn, {"reason": post.get("reason", "")})


def reassign_form(post: QueryDict) -> ReassignIn:
    return _valid(ReassignIn, {"assignee": form_int(post, "assignee")})
