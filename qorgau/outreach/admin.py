"""The administrator edits schools and campaign source codes (rule 6(s)); every change is
audited by the admin site."""

from __future__ import annotations

from qorgau.audit.admin_site import AuditedAdmin, site
from qorgau.outreach.models import School, SourceCode


class SchoolAdmin(AuditedAdmin):
    list_display = ["name", "name_ru", "region", "district", "bin"]
    list_filter = ["region"]
    search_fields = ["name", "name_ru", "district", "bin"]
    readonly_fields = ["created_at"]


class SourceCodeAdmin(AuditedAdmin):
    list_display = ["code", "name", "region", "active"]
    list_filter = ["active", "region"]
    search_fields = ["code", "name"]
    readonly_fields = ["created_at"]


site.register(School, SchoolAdmin)
site.register(SourceCode, SourceCodeAdmin)
