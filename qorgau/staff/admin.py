"""The administrator sees every API token by user, with its expiry, and revokes tokens (rule 5).
Tokens are issued by `qorgau token` only: a token is shown once, when it is made."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgau.audit.admin_site import AuditedAdmin, site
from qorgau.staff.actions import token_revoke
from qorgau.staff.models import ApiToken


@admin.action(description=_("Revoke the selected tokens"))
def revoke(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
    for token in queryset:
        token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]


class ApiTokenAdmin(AuditedAdmin):
    list_display = ["user", "label", "created_at", "expires_at", "revoked_at"]
    list_filter = ["user", "revoked_at"]
    search_fields = ["user__username", "label"]
    ordering = ["user__username", "-created_at"]
    fields = ("user", "label", "created_at", "expires_at", "revoked_at")
    readonly_fields = fields
    actions = [revoke]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(ApiToken, ApiTokenAdmin)
