"""Writing the audit log. Every action that changes data or shows personal data calls
`audit_record` inside its own transaction, as its last statement, so the chain head is locked
only for the moment before commit. What happened is named by an `AuditEvent` (events.py)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from qorgau.audit.events import AuditEvent
from qorgau.audit.models import CHAINS, AuditChainHead, AuditRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def chain_for(object_type: str, object_ref: str) -> int:
    return zlib.crc32(f"{object_type}:{object_ref}".encode()) % CHAINS


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: AuditEvent,
    object_type: str,
    object_ref: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the chain of (object_type, object_ref)."""
    event = AuditEvent(action)  # a name outside the enum fails here, before the head is taken
    user = actor if actor is not None and actor.is_authenticated else None
    chain = chain_for(object_type, object_ref)
    heads = AuditChainHead._meta.db_table
    # Part of the caller's transaction. The head is taken and released with plain SQL: this runs
    # in every action, and the ORM's query building cost more CPU than the rest of it together.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {heads} SET seq = seq + 1 WHERE chain = %s RETURNING seq, hash",  # noqa: S608
            [chain],
        )
        seq, prev_hash = cursor.fetchone()
        record = AuditRecord(
            chain=chain,
            seq=seq,
            at=timezone.now(),
            actor_id=user.pk if user else None,
            actor_username=user.get_username() if user else "",
            actor_role=getattr(user, "role", ""),
            action=event.value,
            object_type=object_type,
            object_ref=object_ref,
            reason=str(reason)[:300],
            details=details or {},
            prev_hash=prev_hash,
        )
        record.hash = record.compute_hash()
        record.save(force_insert=True)
        cursor.execute(f"UPDATE {heads} SET hash = %s WHERE chain = %s", [record.hash, chain])  # noqa: S608
    return record


@dataclass(frozen=True)
class AuditedKind:
    """`audit_record` for one kind of object, so every row about, say, an appeal names it the
    same way (`audit_appeal = AuditedKind("appeal")`, its number as `ref`) and all of an
    object's rows fall in one chain."""

    object_type: str

    def __call__(
        self,
        *,
        actor: User | AnonymousUser | None,
        event: AuditEvent,
        ref: object,
        reason: str = "",
        details: dict[str, Any] | None = None,
    ) -> AuditRecord:
        return audit_record(
            actor=actor,
            action=event,
            object_type=self.object_type,
            object_ref=str(ref),
            reason=reason,
            details=details,
        )
