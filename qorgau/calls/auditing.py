"""The audit row about a call: its recording stored, heard or deleted, its outcome, its quality
review. One shape, so every row about a call is found by the call's id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qorgau.audit.actions import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.audit.events import AuditEvent
    from qorgau.staff.models import User


def audit_call(
    *,
    actor: User | AnonymousUser | None,
    event: AuditEvent,
    call_id: int,
    reason: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Write the audit row; `actor` None for what the system does (uploads, retention)."""
    audit_record(
        actor=actor,
        action=event,
        object_type="call",
        object_ref=str(call_id),
        reason=reason,
        details=details,
    )
