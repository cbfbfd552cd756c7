"""The only way views and the API fetch case-work items: out of scope answers 404.

Texts of case work (internal notes, what a follow-up is about, its result and why it was
cancelled) may name people: they are shown only to roles with `case.notes` / `case.tasks`
(consultant, supervisor), and each view of them is audited like personal data (rule 5). Roles
without `case.notes` are not told that notes exist: not even a count."""

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
from qorgau.appeals.selectors import appeals_visible_to
from qorgau.audit.actions import audit_record
from qorgau.audit.events import AuditEvent
from qorgau.casework.models import ATTACHMENT_STORAGE, Attachment, FollowUp, Note
from qorgau.casework.selectors import (
    CaseWork,
    TaskGroups,
    appeal_casework,
    appeal_followups,
    appeal_notes,
    attachment_count,
    attachments_shown,
    grouped,
    has_casework,
    open_followups,
)
from qorgau.core import files
from qorgau.core.access import require
from qorgau.core.errors import Conflict, NotFound
from qorgau.core.roles import Perm, has_perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def access_followup(user: User | AnonymousUser, followup_id: int) -> FollowUp:
    """A follow-up on an appeal the user sees, for a role with `case.tasks`; 404 otherwise."""
    require(user, Perm.CASE_TASKS)
    found = (
        FollowUp.objects.select_related("appeal", "assignee", "created_by")
        .filter(pk=followup_id, appeal__in=appeals_visible_to(user))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _audit_view(user: User | AnonymousUser, appeal: Appeal, work: CaseWork, reason: str) -> None:
    if work.notes or work.followups:
        audit_appeal(
            actor=user,
            event=AuditEvent.CASEWORK_VIEW,
            ref=appeal.number,
            reason=reason,
            details={"notes": len(work.notes), "followups": len(work.followups)},
        )


def access_casework(user: User | AnonymousUser, appeal: Appeal, *, reason: str) -> CaseWork:
    """The appeal's follow-ups, and its notes for a role with `case.notes`; the view audited
    when it shows anything."""
    require(user, Perm.CASE_TASKS)
    work = appeal_casework(appeal, notes=has_perm(user, Perm.CASE_NOTES))
    _audit_view(user, appeal, work, reason)
    return work


def access_notes(user: User | AnonymousUser, appeal: Appeal, *, reason: str) -> list[Note]:
    """The appeal's notes, newest first, for a role with `case.notes`; the view audited."""
    require(user, Perm.CASE_NOTES)
    work = CaseWork(appeal_notes(appeal), [])
    _audit_view(user, appeal, work, reason)
    return work.notes


def access_followups(user: User | AnonymousUser, appeal: Appeal, *, reason: str) -> list[FollowUp]:
    """The appeal's follow-ups by due time, for a role with `case.tasks`; the view audited."""
    require(user, Perm.CASE_TASKS)
    work = CaseWork([], appeal_followups(appeal))
    _audit_view(user, appeal, work, reason)
    return work.followups


def access_casework_texts(user: User | AnonymousUser, appeal: Appeal, *, reason: str) -> bool:
    """Whether the appeal's timeline may carry its notes and follow-up texts; the view audited
    when there are any."""
    if not has_perm(user, Perm.CASE_NOTES):
        return False
    if has_casework(appeal):
        audit_appeal(actor=user, event=AuditEvent.CASEWORK_VIEW, ref=appeal.number, reason=reason)
    return True


def access_task_list(
    user: User | AnonymousUser,
    *,
    now: datetime,
    everyone: bool = False,
    unassigned: bool = False,
    reason: str,
) -> TaskGroups:
    """Open follow-ups grouped by due time: the user's own, or (a supervisor) everyone's or the
    unassigned. Their texts are shown, so the view is audited, naming the appeals."""
    require(user, Perm.CASE_TASKS)
    if everyone or unassigned:
        require(user, Perm.CASE_TASKS_ANY)
    groups = grouped(open_followups(user, everyone=everyone, unassigned=unassigned), now)
    shown = groups.all
    if shown:
        audit_record(
            actor=user,
            action=AuditEvent.FOLLOWUP_VIEW_LIST,
            object_type="user",
            object_ref=str(user.pk),
            reason=reason,
            details={"appeals": sorted({f.appeal.number for f in shown})},
        )
    return groups


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
