"""Every state change of case work: one keyword-only function per change, audited last.

Notes (rule 5): `note_add` only; a note is never changed or deleted, a correction is a new
note. Follow-ups (rules 6(c), 6(d)): created, completed with a result, cancelled with a reason,
or handed to another consultant. Each follow-up change locks the row, returns early when there
is nothing to change, and writes its audit row on the appeal's chain last."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import NoReturn, TypeGuard

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.appeals.auditing import audit_appeal
from qorgau.appeals.models import Appeal
from qorgau.audit.events import AuditEvent
from qorgau.casework.access import attachment_removable
from qorgau.casework.models import ATTACHMENT_STORAGE, Attachment, FollowUp, FollowUpKind, Note
from qorgau.core import files
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
    return _close(
        actor,
        followup,
        AuditEvent.FOLLOWUP_COMPLETE,
        done_at=timezone.now(),
        done_by=actor,
        result=result,
    )


def followup_cancel(*, actor: User, followup: FollowUp, reason: str) -> FollowUp:
    """Cancel the follow-up, saying why (kept encrypted: it may name people)."""
    reason = reason.strip()
    if not reason:
        raise FieldErrors(fields={"reason": _("Say why the follow-up is cancelled.")})
    if len(reason) > RESULT_MAX:
        raise FieldErrors(fields={"reason": _("The text is too long.")})
    return _close(
        actor,
        followup,
        AuditEvent.FOLLOWUP_CANCEL,
        cancelled_at=timezone.now(),
        cancelled_by=actor,
        cancel_reason=reason,
    )


def _close(actor: User, followup: FollowUp, event: AuditEvent, **values: object) -> FollowUp:
    """Close an open follow-up (done or cancelled) under its row lock, audited last."""
    with transaction.atomic():
        locked = _locked_open(actor, followup)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))
        audit_appeal(
            actor=actor,
            event=event,
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


ATTACHMENT_KINDS = ("pdf", "jpeg", "png", "webp", "text", "docx", "odt", "mp3", "ogg", "wav")


# What the file picker offers (a hint only: the bytes decide).
ATTACHMENT_ACCEPT = ",".join(
    ext for kind in ATTACHMENT_KINDS for ext in files.KINDS[kind].extensions
)


def attachment_too_large() -> str:
    size = {"size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
    return _("The file is larger than %(size)s MB.") % size


def attachment_kind(data: bytes) -> str:
    """The kind of an attachment as its bytes show it (never its name or declared type); a
    field error in the user's language for an empty, too large or refused file."""
    if not data:
        raise FieldErrors(fields={"file": _("Choose a file to attach.")})
    if len(data) > settings.ATTACHMENT_MAX_BYTES:
        raise FieldErrors(fields={"file": attachment_too_large()}, code="file_too_large")
    kind = files.sniff(data)
    if kind not in ATTACHMENT_KINDS:
        message = _(
            "This kind of file cannot be attached. Attach a PDF, a photo (JPEG, PNG, WebP), "
            "a plain text, a Word or OpenDocument document, or a voice message (MP3, OGG, WAV)."
        )
        raise FieldErrors(fields={"file": message}, code="file_kind_refused")
    return kind


def attachment_add(*, actor: User, appeal: Appeal, name: str, data: bytes) -> Attachment:
    """Attach a file to the appeal: checked by its bytes, encrypted into the `attachments`
    storage, then the row and its audit record in one transaction. The file is written first
    and deleted again if the transaction fails, so a refused or failed upload leaves neither a
    row nor a file (docs/architecture/casework.md)."""
    require(actor, Perm.CASE_ATTACH)
    kind = attachment_kind(data)
    digest = hashlib.sha256(data).hexdigest()
    key = files.store_encrypted(ATTACHMENT_STORAGE, data, "appeals")
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                appeal=appeal,
                name=name.strip()[:200] or "file",
                content_type=files.KINDS[kind].content_type,
                size=len(data),
                sha256=digest,
                storage_key=key,
                uploaded_by=actor,
                uploaded_at=timezone.now(),
            )
            audit_appeal(
                actor=actor,
                event=AuditEvent.ATTACHMENT_ADD,
                ref=appeal.number,
                reason="attachment",
                details={"attachment": attachment.pk, "size": len(data), "sha256": digest},
            )
    except BaseException:
        storages[ATTACHMENT_STORAGE].delete(key)
        raise
    return attachment


def attachment_remove(*, actor: User, attachment: Attachment, reason: str) -> Attachment:
    """Remove an attachment: a supervisor at any time, its uploader within
    ATTACHMENT_UNDO_MINUTES; always with a reason. The row stays (who attached what, who
    removed it and why); the bytes are deleted once the removal is committed."""
    require(actor, Perm.CASE_ATTACH)
    reason = reason.strip()[:500]
    if not reason:
        raise FieldErrors(fields={"reason": _("Say why the file is removed.")})
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.removed_at is not None:
            return locked
        now = timezone.now()
        if not attachment_removable(actor, locked, now):
            _refuse_removal(actor, locked)
        locked.removed_at, locked.removed_by, locked.removed_reason = now, actor, reason
        locked.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        audit_appeal(
            actor=actor,
            event=AuditEvent.ATTACHMENT_REMOVE,
            ref=attachment.appeal.number,
            reason="attachment removed",
            details={"attachment": locked.pk, "sha256": locked.sha256},
        )
        files.delete_after_commit(ATTACHMENT_STORAGE, locked.storage_key)
    return locked


def _refuse_removal(actor: User, attachment: Attachment) -> NoReturn:
    """Why the actor may not remove it: someone else's file (403), or their own after the
    minutes to undo have passed (409: the same step was allowed a moment ago)."""
    if attachment.uploaded_by_id != actor.pk:
        message = _("Only a supervisor may remove a file someone else attached.")
        raise Forbidden(message, code="attachment_not_yours")
    minutes = {"minutes": settings.ATTACHMENT_UNDO_MINUTES}
    message = _("Only a supervisor may remove a file attached more than %(minutes)s minutes ago.")
    raise Conflict(message % minutes, code="attachment_undo_passed")


def attachment_files_rotate() -> int:
    """Re-encrypt every kept attachment under the first key (part of `qorgau rotate-keys`);
    returns how many files were rewritten."""
    count = 0
    for pk in Attachment.objects.filter(removed_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            attachment = Attachment.objects.select_for_update().get(pk=pk)
            if attachment.removed_at is not None:
                continue
            old = attachment.storage_key
            attachment.storage_key = files.rotated(ATTACHMENT_STORAGE, old, "appeals")
            attachment.save(update_fields=["storage_key"])
        count += 1
    return count


def attachment_files_rotated_on_signal(**_signal: object) -> str:
    """The answer to core's `files_rotation` signal, for `qorgau rotate-keys` to print."""
    return f"{attachment_files_rotate()} attachments"
