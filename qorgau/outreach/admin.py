"""The administrator edits schools and campaign source codes (rule 6(s)); every change is
audited by the admin site. A school whose poster leaked gets a new QR link (audited); bulk
deletion is off, so every deletion goes through the audited one-by-one page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgau.audit.admin_site import AuditedAdmin, site
from qorgau.outreach.actions import school_token_renew
from qorgau.outreach.models import School, SourceCode


@admin.action(description=_("Give the selected schools new QR links (old posters stop working)"))
def renew_tokens(modeladmin: Any, request: HttpRequest, queryset: QuerySet[School]) -> None:
    for school in queryset:
        school_token_renew(actor=request.user, school=school)


class NoBulkDelete:
    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions


class SchoolAdmin(NoBulkDelete, AuditedAdmin):
    list_display = ["name", "name_ru", "region", "district", "bin"]
    list_filter = ["region"]
    search_fields = ["name", "name_ru", "district", "bin"]
    readonly_fields = ["created_at"]
    actions = [renew_tokens]


class SourceCodeAdmin(NoBulkDelete, AuditedAdmin):
    list_display = ["code", "name", "region", "active"]
    list_filter = ["active", "region"]
    search_fields = ["code", "name"]
    readonly_fields = ["created_at"]


site.register(School, SchoolAdmin)
site.register(SourceCode, SourceCodeAdmin)
