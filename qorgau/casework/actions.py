"""Every state change of case work: one keyword-only function per change, audited last.

Notes (rule 5): `note_add` only; a note is never changed or deleted, a correction is a new
note. Follow-ups (rules 6(c), 6(d)): created, completed with a result, cancelled with a reason,
or handed to another consultant. Each follow-up change locks the row, returns early when there
is nothing to change, and writes its audit row on the appeal's chain last."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeGuard

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.appeals.auditing import audit_appeal
from qorgau.appeals.models import Appeal
from qorgau.audit.events import AuditEvent
from qorgau.casework.models import FollowUp, FollowUpKind, Note
from qorgau.core.access import require
from qorgau.core.errors import Conflict, FieldErrors, Forbidden
from qorgau.core.roles import Perm, Role, has_perm
from qorgau.staff.models import User

NOTE_MAX = 5000
WHAT_MAX = 1000
RESULT_MAX = 2000
PAST_GRACE = timedelta(minutes=1)  # a time picked "now" at minute precision is not refused
ASSIGNABLE_ROLES = (Role.CONSULTANT, Role.SUPERVISOR)


# --- internal notes ---------------------------------------------------------------------------


def note_add(*, actor: User, appeal: Appeal, text: str) -> Note:
    """Append an internal note to the appeal (append-only: a correction is a new note)."""
    require(actor, Perm.CASE_NOTES)
    text = text.strip()
    if not text:
        raise FieldErrors(fields={"text": _("Write the note.")})
    if len(text) > NOTE_MAX:
        raise FieldErrors(fields={"text": _("The note is too long.")})
    with transaction.atomic():
        note = Note.objects.create(appeal=appeal, by=actor, text=text)
        audit_appeal(
            actor=actor,
            event=AuditEvent.NOTE_ADD,
            ref=appeal.number,
            reason="internal note",
            details={"note": note.pk},
        )
    return note


# --- follow-ups ------------------------------------------------------------------------------


def _assignable(user: User | None) -> TypeGuard[User]:
    return user is not None and user.is_active and user.role in ASSIGNABLE_ROLES


def _check_assignee(actor: User, assignee: User | None) -> User:
    """A consultant plans follow-ups for themself; a supervisor for any active consultant or
    supervisor."""
    if not _assignable(assignee):
        raise FieldErrors(fields={"assignee": _("Choose an active consultant or supervisor.")})
    if assignee.pk != actor.pk:
        require(actor, Perm.CASE_TASKS_ANY)
    return assignee


def _followup_errors(
    kind: str, what: str, due_at: datetime | None, now: datetime
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in FollowUpKind.values:
        errors["kind"] = _("Choose a task or a callback.")
    if not what:
        errors["what"] = _("Say what is to be done.")
    elif len(what) > WHAT_MAX:
        errors["what"] = _("The text is too long.")
    if due_at is None:
        errors["due_at"] = _("Give the date and time it is due.")
    elif due_at < now - PAST_GRACE:
        errors["due_at"] = _("This time has already passed: choose a later one.")
    return errors


def followup_create(
    *,
    actor: User,
    appeal: Appeal,
    kind: str,
    what: str,
    due_at: datetime | None,
    assignee: User | None = None,
    now: datetime | None = None,
) -> FollowUp:
    """Plan a task or a callback on the appeal, due at an aware moment, for the assignee (by
    default the actor). A due time in the past is refused: the follow-up would start overdue."""
    require(actor, Perm.CASE_TASKS)
    now = now or timezone.now()
    what = what.strip()
    errors = _followup_errors(kind, what, due_at, now)
    if errors or due_at is None:
        raise FieldErrors(fields=errors)
    assignee = _check_assignee(actor, assignee or actor)
    with transaction.atomic():
        followup = FollowUp.objects.create(
            appeal=appeal,
            kind=kind,
            what=what,
            due_at=due_at,
            assignee=assignee,
            created_by=actor,
            created_at=now,
        )
        audit_appeal(
            actor=actor,
            event=AuditEvent.FOLLOWUP_CREATE,
            ref=appeal.number,
            reason=kind,
            details={"followup": followup.pk, "assignee": assignee.username},
        )
    return followup


def may_close(user: User, followup: FollowUp) -> bool:
    """The assignee, whoever planned it, or a supervisor may complete or cancel a follow-up."""
    mine = user.pk in (followup.assignee_id, followup.created_by_id)
    return mine or has_perm(user, Perm.CASE_TASKS_ANY)


def _locked_open(actor: User, followup: FollowUp) -> FollowUp:
    """The follow-up locked for the change; refused when it is closed meanwhile or the actor
    may not close it."""
    require(actor, Perm.CASE_TASKS)
    locked = FollowUp.objects.select_for_update().select_related("appeal").get(pk=followup.pk)
    if not may_close(actor, locked):
        raise Forbidden(_("Only the assignee, its author or a supervisor may do this."))
    if not locked.open:
        raise Conflict(_("This follow-up is already closed."), code="followup_closed")
    return locked


def followup_complete(*, actor: User, followup: FollowUp, result: str = "") -> FollowUp:
    """Mark the follow-up done. A callback needs its result: reached or not, what was said."""
    result = result.strip()
    if followup.kind == FollowUpKind.CALLBACK and not result:
        raise FieldErrors(
            fields={"result": _("Say how the call went: reached or not, and what was said.")}
        )
    if len(result) > RESULT_MAX:
        raise FieldErrors(fields={"result": _("The text is too long.")})
    with transaction.atomic():
        locked = _locked_open(actor, followup)
        locked.done_at = timezone.now()
        locked.done_by = actor
        locked.result = result
        locked.save(update_fields=["done_at", "done_by", "result"])
        audit_appeal(
            actor=actor,
            event=AuditEvent.FOLLOWUP_COMPLETE,
            ref=locked.appeal.number,
            reason=locked.kind,
            details={"followup": locked.pk},
        )
    return locked


def followup_cancel(*, actor: User, followup: FollowUp, reason: str) -> FollowUp:
    """Cancel the follow-up, saying why (kept encrypted: it may name people)."""
    reason = reason.strip()
    if not reason:
        raise FieldErrors(fields={"reason": _("Say why the follow-up is cancelled.")})
    if len(reason) > RESULT_MAX:
        raise FieldErrors(fields={"reason": _("The text is too long.")})
    with transaction.atomic():
        locked = _locked_open(actor, followup)
        locked.cancelled_at = timezone.now()
        locked.cancelled_by = actor
        locked.cancel_reason = reason
        locked.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        audit_appeal(
            actor=actor,
            event=AuditEvent.FOLLOWUP_CANCEL,
            ref=locked.appeal.number,
            reason=locked.kind,
            details={"followup": locked.pk},
        )
    return locked


def followup_reassign(*, actor: User, followup: FollowUp, to: User | None) -> FollowUp:
    """Hand the follow-up to another consultant or supervisor: the assignee hands over their
    own, a supervisor any. Nothing changes when it already is theirs."""
    require(actor, Perm.CASE_TASKS)
    if not _assignable(to):
        raise FieldErrors(fields={"assignee": _("Choose an active consultant or supervisor.")})
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().select_related("appeal").get(pk=followup.pk)
        if locked.assignee_id != actor.pk:
            require(actor, Perm.CASE_TASKS_ANY)
        if not locked.open:
            raise Conflict(_("This follow-up is already closed."), code="followup_closed")
        if locked.assignee_id == to.pk:
            return locked
        previous = locked.assignee.username
        locked.assignee = to
        locked.save(update_fields=["assignee"])
        audit_appeal(
            actor=actor,
            event=AuditEvent.FOLLOWUP_REASSIGN,
            ref=locked.appeal.number,
            reason=locked.kind,
            details={"followup": locked.pk, "from": previous, "to": to.username},
        )
    return locked
