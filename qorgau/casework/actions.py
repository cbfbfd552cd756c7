"""Every state change of case work: one keyword-only function per change, audited last."""

from __future__ import annotations

import hashlib
from typing import NoReturn

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.appeals.auditing import audit_appeal
from qorgau.appeals.models import Appeal
from qorgau.audit.events import AuditEvent
from qorgau.casework.access import attachment_removable
from qorgau.casework.models import ATTACHMENT_STORAGE, Attachment
from qorgau.core import files
from qorgau.core.access import require
from qorgau.core.errors import Conflict, FieldErrors, Forbidden
from qorgau.core.roles import Perm
from qorgau.staff.models import User

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
