"""The administrator may look at case-work rows (read-only) to answer questions about them:
who wrote or planned what and when. Their texts are personal data the administrator's role does
not see (rule 5), so they are not shown here; nothing can be added, changed or deleted.
Attachments likewise: which appeal, what kind, how large, its checksum, who attached and who
removed it; never the file's name (it may hold a person's name) nor its bytes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qorgau.audit.admin_site import AuditedAdmin, site
from qorgau.casework.models import Attachment, FollowUp, Note


class ReadOnlyAdmin(AuditedAdmin):
    """Seen, never edited: notes are append-only and follow-ups change only through actions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NoteAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "by", "at"]
    fields = ["appeal", "by", "at"]
    list_select_related = ["appeal", "by"]


class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "kind", "due_at", "assignee", "done_at", "cancelled_at"]
    list_filter = ["kind"]
    fields = [
        "appeal",
        "kind",
        "due_at",
        "assignee",
        "created_by",
        "created_at",
        "done_at",
        "done_by",
        "cancelled_at",
        "cancelled_by",
    ]
    list_select_related = ["appeal", "assignee"]


site.register(Note, NoteAdmin)
site.register(FollowUp, FollowUpAdmin)


class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "content_type", "size", "uploaded_by", "uploaded_at", "removed_at"]
    list_filter = ["content_type", "removed_at"]
    list_select_related = ["appeal", "uploaded_by"]
    ordering = ["-uploaded_at"]
    fields = (
        "appeal",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
        "removed_by",
    )
    readonly_fields = fields


site.register(Attachment, AttachmentAdmin)
