"""The administrator may look at attachments' records, read-only: which appeal, what kind, how
large, its checksum, who attached and who removed it. Never the file's name (it may hold a
person's name) nor its bytes: those only on the appeal page, audited."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qorgau.audit.admin_site import AuditedAdmin, site
from qorgau.casework.models import Attachment


class AttachmentAdmin(AuditedAdmin):
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

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(Attachment, AttachmentAdmin)
