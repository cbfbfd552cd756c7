"""Reads of calls for the consultant's workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qorgau.calls.models import Call, CallState

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def current_call(user: User | AnonymousUser) -> Call | None:
    """The call the consultant is on now: answered at their extension and not ended."""
    extension = getattr(user, "extension", "")
    if not extension:
        return None
    return (
        Call.objects.filter(extension=extension, state__in=[CallState.TALKING, CallState.HOLD])
        .order_by("-answered_at")
        .first()
    )
