"""The only way views and the API fetch case-work items: out of scope answers 404."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from qorgau.appeals.access import access_appeal, access_personal_text
from qorgau.appeals.auditing import audit_appeal
from qorgau.appeals.models import Appeal
from qorgau.audit.events import AuditEvent
from qorgau.casework.models import ATTACHMENT_STORAGE, Attachment
from qorgau.casework.selectors import attachment_count, attachments_shown
from qorgau.core import files
from qorgau.core.access import require
from qorgau.core.errors import Conflict, NotFound
from qorgau.core.roles import Perm, has_perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


@dataclass(frozen=True)
class AttachmentsShown:
    """An appeal's attachments as one viewer may see them: with `names`, the files themselves
    (their names, the view audited); otherwise only how many there are."""

    appeal: Appeal
    count: int
    names: bool
    items: list[Attachment]


def access_attachments(user: User | AnonymousUser, number: str) -> AttachmentsShown:
    """The appeal's attachments for anyone who may see the appeal: their names only for roles
    that attach files (and see personal data: a file name may hold a person's name), the view
    audited naming the files (rule 5); for the others, the count."""
    appeal = access_appeal(user, number)
    if not has_perm(user, Perm.CASE_ATTACH):
        return AttachmentsShown(appeal, attachment_count(appeal), False, [])
    items = attachments_shown(appeal)
    shown = {"attachments": [a.pk for a in items]}
    if items and not access_personal_text(user, appeal, reason="attachments", details=shown):
        return AttachmentsShown(appeal, len(items), False, [])
    return AttachmentsShown(appeal, len(items), True, items)


def access_attachment(user: User | AnonymousUser, attachment_id: int) -> Attachment:
    """One attachment, not removed, on an appeal the user may see, for a role that attaches
    files; 403 for other roles, 404 for what does not exist or is out of scope."""
    require(user, Perm.CASE_ATTACH)
    found = Attachment.objects.filter(pk=attachment_id, removed_at__isnull=True).first()
    if found is None:
        raise NotFound()
    found.appeal = access_appeal(user, found.appeal.number)
    return found


def access_attachment_content(user: User | AnonymousUser, attachment: Attachment) -> bytes:
    """The decrypted file, checked against its checksum; every download is audited (rule 5)."""
    data = files.read_decrypted(ATTACHMENT_STORAGE, attachment.storage_key)
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise Conflict(_("The stored file does not match its checksum."), code="checksum_mismatch")
    audit_appeal(
        actor=user,
        event=AuditEvent.ATTACHMENT_DOWNLOAD,
        ref=attachment.appeal.number,
        reason="attachment",
        details={"attachment": attachment.pk},
    )
    return data


def attachment_removable(user: User | AnonymousUser, attachment: Attachment, now: datetime) -> bool:
    """A supervisor may remove any attachment; the uploader their own within
    ATTACHMENT_UNDO_MINUTES of attaching it (a file attached by mistake)."""
    if has_perm(user, Perm.CASE_ATTACH_REMOVE):
        return True
    window = timedelta(minutes=settings.ATTACHMENT_UNDO_MINUTES)
    mine = attachment.uploaded_by_id == user.pk and has_perm(user, Perm.CASE_ATTACH)
    return mine and now - attachment.uploaded_at <= window
